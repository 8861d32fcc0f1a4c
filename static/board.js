// The vote board: every change asks the engine (POST /api/tally) and redraws what it answers.
// No rule of the Charter is decided here. Without this script the form posts and the server redraws.
(() => {
  "use strict";
  const { pageData, drawSeats, renderVerdict } = window.UnscCouncil;
  const page = pageData();
  const form = document.getElementById("ballots");
  if (!page || !form) return;
  const codes = Object.keys(page.names);
  const starting = Object.fromEntries(page.scenario.members.map((m) => [m.code, m.vote || "undecided"]));
  const errorLine = document.querySelector('#verdict [data-field="error"]');
  let sequence = 0;

  document.documentElement.classList.add("js");

  function readVotes() {
    const votes = {};
    for (const code of codes) {
      const checked = form.querySelector(`input[name="${code}"]:checked`);
      votes[code] = checked ? checked.value : "undecided";
    }
    return votes;
  }

  function setVotes(votes) {
    for (const code of codes) {
      const input = form.querySelector(`input[name="${code}"][value="${votes[code]}"]`);
      if (input) input.checked = true;
    }
  }

  function votesFromLocation() {
    const params = new URLSearchParams(window.location.search);
    const votes = { ...starting };
    for (const code of codes) {
      const value = params.get(code);
      if (value && page.labels[value]) votes[code] = value;
    }
    return votes;
  }

  function showError(message) {
    errorLine.textContent = message;
    errorLine.hidden = false;
  }

  function headline(outcome) {
    if (outcome.outcome === "adopted") return page.verdict.adopted;
    if (outcome.outcome === "not_adopted") return page.verdict.not_adopted;
    return "Not decided yet";
  }

  async function update(history) {
    const votes = readVotes();
    const mine = ++sequence;
    drawSeats(page, votes);
    const body = { ...page.scenario, members: page.scenario.members.map((m) => ({ ...m, vote: votes[m.code] })) };
    let response;
    try {
      response = await fetch("/api/tally", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      if (mine === sequence) showError("The server could not be reached; the result shown may be out of date.");
      return;
    }
    if (mine !== sequence) return;
    if (!response.ok) {
      showError(`The server refused to count these votes (${response.status}).`);
      return;
    }
    const outcome = await response.json();
    if (mine !== sequence) return;
    renderVerdict(page, outcome, headline(outcome), "");
    errorLine.hidden = true;
    if (history) {
      const same = codes.every((code) => votes[code] === starting[code]);
      const url = same ? window.location.pathname : `${window.location.pathname}?${new URLSearchParams(votes)}`;
      window.history[history](null, "", url);
    }
  }

  form.addEventListener("change", () => update("pushState"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update("replaceState");
  });
  form.querySelector('[data-action="reset"]').addEventListener("click", (event) => {
    event.preventDefault();
    setVotes(starting);
    update("pushState");
  });
  form.querySelector('[data-action="undecided"]').addEventListener("click", (event) => {
    event.preventDefault();
    setVotes(Object.fromEntries(codes.map((code) => [code, "undecided"])));
    update("pushState");
  });
  window.addEventListener("popstate", () => {
    setVotes(votesFromLocation());
    update(null);
  });
})();
