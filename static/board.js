// The vote board: on each change, ask the server for the verdict and the chamber as it draws them,
// and swap them in. Nothing is decided or worded here. Without this script the form posts instead.
(() => {
  "use strict";
  const { pageData, swapParts } = window.UnscParts;
  const page = pageData();
  const form = document.getElementById("ballots");
  if (!page || !form) return;
  const errorLine = document.querySelector('[data-live="error"]');
  let sequence = 0;
  document.documentElement.classList.add("js");

  function setVotes(votes) {
    for (const [code, vote] of Object.entries(votes)) {
      const input = form.querySelector(`input[name="${code}"][value="${vote}"]`);
      if (input) input.checked = true;
    }
  }

  function showError(kind) {
    errorLine.textContent = errorLine.dataset[kind];
    errorLine.hidden = false;
  }

  async function update(query, history) {
    const mine = ++sequence;
    let response;
    try {
      response = await fetch(`${page.parts}?${query}`, { headers: { Accept: "application/json" } });
    } catch {
      if (mine === sequence) showError("offlineText");
      return;
    }
    if (mine !== sequence) return;
    if (!response.ok) {
      showError("refusedText");
      return;
    }
    const answer = await response.json();
    if (mine !== sequence) return;
    setVotes(answer.votes);
    swapParts(answer.parts);
    errorLine.hidden = true;
    if (history) window.history[history](null, "", `${window.location.pathname}?${answer.query}`);
  }

  const formQuery = () => new URLSearchParams(new FormData(form)).toString();
  form.addEventListener("change", () => update(formQuery(), "pushState"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update(formQuery(), "replaceState");
  });
  for (const link of form.querySelectorAll("[data-action]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      update(new URL(link.href).search.slice(1), "pushState");
    });
  }
  window.addEventListener("popstate", () => update(window.location.search.slice(1), null));

  // A seat in the drawing leads to its delegation's vote: the card scrolls into view, marked, with its
  // chosen vote focused. The chamber is redrawn after every vote, so one listener on its container
  // serves the seats it holds now and later.
  function goToVote(seat) {
    const ballot = form.querySelector(`fieldset.ballot[data-code="${CSS.escape(seat.dataset.code)}"]`);
    if (!ballot) return;
    for (const marked of form.querySelectorAll(".ballot.picked")) marked.classList.remove("picked");
    ballot.classList.add("picked");
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    ballot.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    (ballot.querySelector("input:checked") || ballot.querySelector("input")).focus({ preventScroll: true });
  }
  const chamber = document.querySelector('[data-part="chamber"]');
  const seatOf = (event) => event.target.closest("g.seat[tabindex]");
  chamber.addEventListener("click", (event) => {
    const seat = seatOf(event);
    if (seat) goToVote(seat);
  });
  chamber.addEventListener("keydown", (event) => {
    const seat = seatOf(event);
    if (!seat || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    goToVote(seat);
  });
  form.addEventListener("focusout", (event) => {
    const ballot = event.target.closest(".ballot.picked");
    if (ballot && !ballot.contains(event.relatedTarget)) ballot.classList.remove("picked");
  });
})();
