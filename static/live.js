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
    send(form, event.submitter);
  });

  const fullscreen = document.querySelector('[data-action="fullscreen"]');
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => document.documentElement.requestFullscreen());
  }

  const source = new EventSource(page.events);
  source.addEventListener("parts", (event) => apply(JSON.parse(event.data)));
  source.addEventListener("open", () => {
    connection.textContent = connection.dataset.liveText;
  });
  source.addEventListener("error", () => {
    connection.textContent = connection.dataset.reconnectingText;
  });
})();
