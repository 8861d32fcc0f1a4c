// The vote board: every change asks the engine (POST /api/tally) and redraws what it answers.
// No rule of the Charter is decided here. Without this script the form posts and the server redraws.
(() => {
  "use strict";
  const dataElement = document.getElementById("page-data");
  const form = document.getElementById("ballots");
  if (!dataElement || !form) return;
  const page = JSON.parse(dataElement.textContent);
  const codes = Object.keys(page.names);
  const starting = Object.fromEntries(page.scenario.members.map((m) => [m.code, m.vote || "undecided"]));
  const verdict = document.getElementById("verdict");
  const field = (name) => verdict.querySelector(`[data-field="${name}"]`);
  const icons = { adopted: "✓", not_adopted: "✗", pending: "…" };
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

  function drawSeats(votes) {
    for (const code of codes) {
      const vote = votes[code];
      const label = page.labels[vote];
      for (const element of document.querySelectorAll(`[data-code="${code}"]`)) {
        element.classList.remove(...Object.keys(page.labels).map((v) => `vote-${v}`));
        element.classList.add(`vote-${vote}`);
        const symbol = element.querySelector(".symbol");
        if (symbol) symbol.textContent = page.symbols[vote];
        const title = element.querySelector("title");
        if (title) title.textContent = title.textContent.replace(/: [^:]*$/, `: ${label}`);
      }
    }
  }

  function names(list) {
    return list.map((code) => page.names[code]).join(", ");
  }

  function render(outcome) {
    const c = outcome.counts;
    verdict.classList.remove("verdict-adopted", "verdict-not_adopted", "verdict-pending");
    verdict.classList.add(`verdict-${outcome.outcome}`);
    field("icon").textContent = icons[outcome.outcome];
    field("headline").textContent =
      outcome.outcome === "adopted" ? page.verdict.adopted
        : outcome.outcome === "not_adopted" ? page.verdict.not_adopted : "Not decided yet";
    field("progress").textContent = `${c.yes} of ${outcome.required}`;
    field("needed").textContent = outcome.needed ? `${outcome.needed} more needed` : "threshold reached";
    field("cells").querySelectorAll("rect").forEach((cell, index) => cell.classList.toggle("filled", index < c.yes));
    for (const [vote, count] of Object.entries(c)) {
      const element = field("counts").querySelector(`[data-count="${vote}"]`);
      if (element) element.textContent = String(count);
    }
    field("vetoed").hidden = outcome.vetoed_by.length === 0;
    field("vetoed-names").textContent = names(outcome.vetoed_by);
    field("pivotal").hidden = outcome.pivotal.length === 0;
    field("pivotal-names").textContent = names(outcome.pivotal);
    field("explanation").textContent = outcome.explanation;
    const record = field("record");
    if (record) record.hidden = c.undecided !== 0;
    const centre = document.querySelector('[data-field="centre"]');
    if (centre) centre.textContent = `${c.yes} / ${outcome.required}`;
    const chamberTitle = document.getElementById("chamber-title");
    if (chamberTitle) {
      chamberTitle.textContent = `The Council table: ${c.yes} in favour, ${c.no} against, ${c.abstain} abstaining, ${c.absent} absent, ${c.undecided} undecided`;
    }
    field("error").hidden = true;
  }

  function showError(message) {
    const element = field("error");
    element.textContent = message;
    element.hidden = false;
  }

  async function update(history) {
    const votes = readVotes();
    const mine = ++sequence;
    drawSeats(votes);
    const documentBody = { ...page.scenario, members: page.scenario.members.map((m) => ({ ...m, vote: votes[m.code] })) };
    let response;
    try {
      response = await fetch("/api/tally", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(documentBody),
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
    render(outcome);
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
