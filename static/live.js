// Live session pages (student, projector, console): follow the session's Server-Sent Events and
// redraw from each snapshot; send votes and controls with fetch. Without it, the forms still post.
(() => {
  "use strict";
  const { pageData, drawSeats, renderVerdict } = window.UnscCouncil;
  const page = pageData();
  if (!page || !page.events) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const statusText = { open: "Voting is open", closed: "Voting is closed", ended: "The session has ended" };
  const hiddenNote = "Individual votes stay hidden until voting closes.";
  let version = 0;

  const one = (selector) => document.querySelector(selector);
  function setText(selector, text) {
    const element = one(selector);
    if (element) element.textContent = text;
  }
  const clock = (iso) => (iso ? `${iso.substring(11, 19)} UTC` : "");

  function showOwnVote(vote) {
    setText('[data-live="own-vote"]', `${page.symbols[vote]} ${page.labels[vote]}`);
    for (const button of document.querySelectorAll("[data-vote-form] button[name=vote]")) {
      button.setAttribute("aria-pressed", String(button.value === vote));
    }
  }

  function apply(snapshot) {
    if (snapshot.version < version) return;
    version = snapshot.version;
    drawSeats(page, Object.fromEntries(snapshot.seats.map((seat) => [seat.code, seat.vote])));
    renderVerdict(page, snapshot.outcome, snapshot.headline, hiddenNote);
    setText('[data-live="voted"]', String(snapshot.voted));
    setText('[data-live="status"]', statusText[snapshot.status]);
    const joinPanel = one('[data-live="join-panel"]');
    if (joinPanel) joinPanel.hidden = !snapshot.seats_open;
    for (const seat of snapshot.seats) {
      const row = one(`tr[data-seat="${seat.code}"]`);
      if (!row) continue;
      const holder = seat.claimed ? seat.holder || "a student" : seat.reserved_for ? `reserved for ${seat.reserved_for}` : "free";
      row.querySelector('[data-seat-field="holder"]').textContent = holder;
      row.querySelector('[data-seat-field="voted_at"]').textContent = clock(seat.voted_at);
      const select = row.querySelector('[data-seat-field="vote"]');
      if (select && document.activeElement !== select && seat.vote !== "hidden") select.value = seat.vote;
    }
    const disabled = {
      open: snapshot.status !== "closed", close: snapshot.status !== "open", hide: snapshot.hide_votes,
      show: !snapshot.hide_votes, reset: false, clear: false, end: false,
    };
    for (const button of document.querySelectorAll("[data-control]")) {
      button.disabled = snapshot.status === "ended" || disabled[button.dataset.control];
    }
    if (page.seat) {
      const mine = snapshot.seats.find((seat) => seat.code === page.seat);
      if (mine && mine.vote !== "hidden") showOwnVote(mine.vote);
      const open = snapshot.status === "open";
      for (const button of document.querySelectorAll("[data-vote-form] button")) button.disabled = !open || !mine.claimed;
      const message = !mine.claimed ? "The instructor released your seat. Join again to vote."
        : open ? "" : snapshot.status === "closed" ? "Voting is closed." : "The session has ended.";
      setText('[data-live="vote-message"]', message);
    }
  }

  async function send(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    const headers = { Accept: "application/json" };
    if (csrf) headers["X-CSRF-Token"] = csrf.content;
    const errorLine = one('[data-field="error"]');
    let response;
    try {
      // getAttribute: an input named "action" would shadow form.action.
      response = await fetch(form.getAttribute("action"), { method: "POST", headers, body });
    } catch {
      errorLine.textContent = "The server could not be reached. Your last change may not have been saved.";
      errorLine.hidden = false;
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      errorLine.textContent = answer.error || `Refused (${response.status}).`;
      errorLine.hidden = false;
      return;
    }
    errorLine.hidden = true;
    if (answer.vote) showOwnVote(answer.vote);
    if (answer.seats) apply(answer);
  }

  for (const form of document.querySelectorAll("[data-live-form], [data-vote-form]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form, event.submitter);
    });
  }

  const fullscreen = one('[data-action="fullscreen"]');
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => document.documentElement.requestFullscreen());
  }

  apply(page.snapshot);
  const connection = one('[data-live="connection"]');
  const source = new EventSource(page.events);
  source.addEventListener("snapshot", (event) => apply(JSON.parse(event.data)));
  source.addEventListener("open", () => {
    if (connection) connection.textContent = "Live";
  });
  source.addEventListener("error", () => {
    if (connection) connection.textContent = "Reconnecting…";
  });
})();
