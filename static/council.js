// Drawing the council and the verdict from what the engine answered. Shared by the board and the
// live session pages; it decides nothing, it only shows. Page data comes from the JSON script tag.
window.UnscCouncil = (() => {
  "use strict";
  const icons = { adopted: "✓", not_adopted: "✗", pending: "…" };

  function pageData() {
    const element = document.getElementById("page-data");
    return element ? JSON.parse(element.textContent) : null;
  }

  function drawSeats(page, votes) {
    const all = Object.keys(page.labels).map((v) => `vote-${v}`);
    for (const [code, vote] of Object.entries(votes)) {
      for (const element of document.querySelectorAll(`[data-code="${code}"]`)) {
        element.classList.remove(...all);
        element.classList.add(`vote-${vote}`);
        const symbol = element.querySelector(".symbol");
        if (symbol) symbol.textContent = page.symbols[vote];
        const title = element.querySelector("title");
        if (title) title.textContent = title.textContent.replace(/: [^:]*$/, `: ${page.labels[vote]}`);
      }
    }
  }

  // ``outcome`` is null while a live session keeps its votes hidden.
  function renderVerdict(page, outcome, headline, hiddenNote) {
    const verdict = document.getElementById("verdict");
    const field = (name) => verdict.querySelector(`[data-field="${name}"]`);
    const hidden = outcome === null;
    verdict.classList.remove("verdict-adopted", "verdict-not_adopted", "verdict-pending", "verdict-hidden");
    verdict.classList.add(hidden ? "verdict-hidden" : `verdict-${outcome.outcome}`);
    field("icon").textContent = hidden ? "•" : icons[outcome.outcome];
    field("headline").textContent = headline;
    const required = page.required;
    const c = hidden ? null : outcome.counts;
    field("progress").textContent = `${hidden ? "–" : c.yes} of ${required}`;
    field("needed").textContent = hidden ? "hidden until voting closes"
      : outcome.needed ? `${outcome.needed} more needed` : "threshold reached";
    field("cells").querySelectorAll("rect").forEach((cell, index) => cell.classList.toggle("filled", !hidden && index < c.yes));
    for (const element of field("counts").querySelectorAll("[data-count]")) {
      element.textContent = hidden ? "–" : String(c[element.dataset.count]);
    }
    const names = (list) => list.map((code) => page.names[code]).join(", ");
    field("vetoed").hidden = hidden || outcome.vetoed_by.length === 0;
    field("vetoed-names").textContent = hidden ? "" : names(outcome.vetoed_by);
    field("pivotal").hidden = hidden || outcome.pivotal.length === 0;
    field("pivotal-names").textContent = hidden ? "" : names(outcome.pivotal);
    field("explanation").textContent = hidden ? hiddenNote : outcome.explanation;
    const record = field("record");
    if (record) record.hidden = hidden || c.undecided !== 0;
    const centre = document.querySelector('[data-field="centre"]');
    if (centre) centre.textContent = `${hidden ? "–" : c.yes} / ${required}`;
    const chamberTitle = document.getElementById("chamber-title");
    if (chamberTitle && !hidden) {
      chamberTitle.textContent = `The Council table: ${c.yes} in favour, ${c.no} against, ${c.abstain} abstaining, ${c.absent} absent, ${c.undecided} undecided`;
    }
  }

  return { pageData, drawSeats, renderVerdict };
})();
