// Swapping in the parts of a page that the server rendered. Shared by the board and the live pages;
// it draws nothing itself. Page data comes from the JSON script tag.
window.UnscParts = (() => {
  "use strict";

  function pageData() {
    const element = document.getElementById("page-data");
    return element ? JSON.parse(element.textContent) : null;
  }

  // Replace each [data-part] element's content; keyboard focus stays on the control it was on.
  function swapParts(parts) {
    for (const [name, html] of Object.entries(parts)) {
      const element = document.querySelector(`[data-part="${name}"]`);
      if (!element || element.innerHTML === html) continue;
      const focused = document.activeElement;
      const keep = focused && element.contains(focused) && focused.id ? focused.id : null;
      const value = keep && "value" in focused ? focused.value : null;
      element.innerHTML = html;
      if (keep) {
        const again = document.getElementById(keep);
        if (again) {
          if (value !== null && again.tagName !== "BUTTON") again.value = value;
          again.focus();
        }
      }
    }
  }

  return { pageData, swapParts };
})();
