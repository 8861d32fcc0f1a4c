// Live session pages (student, projector, console): follow the session's Server-Sent Events and swap
// in the parts the server rendered for each version; send votes and controls with fetch. Nothing is
// decided or worded here. Without this script the forms still post and the pages still reload.
(() => {
  "use strict";
  const { pageData, swapParts } = window.UnscParts;
  const page = pageData();
  if (!page || !page.events) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const connection = document.querySelector('[data-live="connection"]');
  const errorLine = document.querySelector('[data-live="error"]');
  let version = page.version;

  function apply(payload) {
    if (payload.version < version) return;
    version = payload.version;
    swapParts(payload.parts);
  }

  function showError(message) {
    errorLine.textContent = message;
    errorLine.hidden = false;
  }

  async function send(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    body.delete("csrf");
    if (form.dataset.confirm) body.set("confirm", "yes");
    const headers = { Accept: "application/json" };
    if (csrf) headers["X-CSRF-Token"] = csrf.content;
    let response;
    try {
      // getAttribute: an input named "action" would shadow form.action.
      response = await fetch(form.getAttribute("action"), { method: "POST", headers, body });
    } catch {
      showError(errorLine.dataset.offlineText || connection.dataset.reconnectingText);
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showError(answer.error || String(response.status));
      return;
    }
    errorLine.hidden = true;
    if (answer.parts) apply(answer);
  }

  // Delegated, so that forms inside swapped parts keep working.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-live-form]");
    if (!form) return;
    event.preventDefault();
    // A destructive control asks first, in the words the server wrote on the form.
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    send(form, event.submitter);
  });

  // The projector's join panel can be put away (it also leaves by itself once every seat is taken).
  const toggle = document.querySelector('[data-action="toggle-join"]');
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const grid = document.querySelector(".projector-grid");
      const hiding = grid.classList.toggle("join-hidden");
      toggle.setAttribute("aria-pressed", String(hiding));
    });
  }

  const fullscreen = document.querySelector('[data-action="fullscreen"]');
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => document.documentElement.requestFullscreen());
  }

  // The browser reconnects by itself after a dropped stream, but gives up when the server refuses one
  // (a full room: 429 or 503); then try again later, at a random moment so a whole room does not return at once.
  function follow() {
    const source = new EventSource(page.events);
    source.addEventListener("parts", (event) => apply(JSON.parse(event.data)));
    source.addEventListener("open", () => {
      connection.textContent = connection.dataset.liveText;
    });
    source.addEventListener("error", () => {
      connection.textContent = connection.dataset.reconnectingText;
      if (source.readyState === EventSource.CLOSED) setTimeout(follow, 15000 + Math.random() * 30000);
    });
  }
  follow();

  // A speaker's time, counted down from the deadline the server rendered (negative once over time).
  function tick() {
    for (const timer of document.querySelectorAll("[data-deadline]")) {
      const deadline = Date.parse(timer.dataset.deadline);
      if (Number.isNaN(deadline)) continue;
      const left = Math.round((deadline - Date.now()) / 1000);
      const size = Math.abs(left);
      timer.textContent = `${left < 0 ? "-" : ""}${Math.floor(size / 60)}:${String(size % 60).padStart(2, "0")}`;
      timer.classList.toggle("over", left < 0);
    }
  }
  setInterval(tick, 1000);
})();
