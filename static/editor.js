// The scenario editor: ask the server to check the form as the instructor types, and show every
// problem at once: beside its field, and in the list above the Save button, linked to the field.
// The server checks with the same model it saves with. When the Matter changes, the verdict's words
// follow it unless someone chose them; the usual words of each matter come from the page.
(() => {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = form.querySelector('[data-live="check"]');
  const rowsInput = form.querySelector("[data-rows]");
  const body = form.querySelector("[data-member-rows]");
  const summaryBox = form.querySelector("[data-error-summary]");
  const summaryList = form.querySelector("[data-error-list]");
  const summaryCount = form.querySelector("[data-error-count]");
  let timer = null;
  let sequence = 0;

  function summaryItem(problem) {
    const item = document.createElement("li");
    const target = problem.anchor && document.getElementById(problem.anchor);
    let where;
    if (target) {
      where = document.createElement("a");
      where.href = `#${problem.anchor}`;
    } else {
      where = document.createElement("code");
    }
    where.textContent = problem.label;
    item.append(where, `: ${problem.message}`);
    return item;
  }

  function show({ problems, summary }) {
    const messages = {};
    for (const problem of problems) {
      const id = document.getElementById(`err-${problem.field_id}`) ? problem.field_id : "general";
      (messages[id] ||= []).push(id === "general" ? `${problem.field}: ${problem.message}` : problem.message);
    }
    for (const box of document.querySelectorAll("[data-error-for]")) {
      const id = box.dataset.errorFor;
      const text = (messages[id] || []).join("; ");
      box.textContent = text;
      box.hidden = !text;
      const field = document.getElementById(id);
      if (field) {
        if (text) field.setAttribute("aria-invalid", "true");
        else field.removeAttribute("aria-invalid");
      }
    }
    summaryList.replaceChildren(...problems.map(summaryItem));
    summaryCount.textContent = summary;
    summaryBox.hidden = problems.length === 0;
    status.textContent = summary;
  }

  async function check() {
    const mine = ++sequence;
    let response;
    try {
      response = await fetch("/editor/check", {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRF-Token": csrf },
        body: new URLSearchParams(new FormData(form)),
      });
    } catch {
      status.textContent = status.dataset.offlineText;
      return;
    }
    if (mine !== sequence || !response.ok) return;
    show(await response.json());
  }

  function checkSoon(delay) {
    clearTimeout(timer);
    timer = setTimeout(check, delay);
  }

  // A link in the list of problems takes the keyboard to the field, not only the eye.
  summaryBox.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "center" });
  });

  // The verdict's words and the Matter.
  const matterShown = form.querySelector("[data-matter-shown]");
  const wordBoxes = [...form.querySelectorAll("[data-verdict]")];
  const suggestions = [...form.querySelectorAll("[data-usual-words]")];

  function usualOf(matter) {
    const offer = suggestions.find((element) => element.dataset.usualWords === matter);
    if (!offer) return null;
    return Object.fromEntries(wordBoxes.map((box) => [box.dataset.verdict, offer.dataset[datasetKey(box)]]));
  }

  function datasetKey(box) {
    return box.dataset.verdict.replace(/_(\w)/g, (_, letter) => letter.toUpperCase());
  }

  function wordsNow() {
    return Object.fromEntries(wordBoxes.map((box) => [box.dataset.verdict, box.value.trim() || box.placeholder]));
  }

  function same(words, other) {
    return Boolean(other) && wordBoxes.every((box) => words[box.dataset.verdict] === other[box.dataset.verdict]);
  }

  function untouched(matter) {
    const plain = Object.fromEntries(wordBoxes.map((box) => [box.dataset.verdict, box.placeholder]));
    return same(wordsNow(), plain) || same(wordsNow(), usualOf(matter));
  }

  function offerFor(matter) {
    for (const element of suggestions) element.hidden = element.dataset.usualWords !== matter;
  }

  function useUsual(matter) {
    const words = usualOf(matter);
    for (const box of wordBoxes) box.value = words[box.dataset.verdict];
    offerFor(null);
  }

  function matterChanged(now) {
    const was = matterShown.value;
    if (now === was) return;
    if (untouched(was)) useUsual(now);
    else offerFor(same(wordsNow(), usualOf(now)) ? null : now);
    matterShown.value = now; // the words now belong to this matter: the server must not change them again
  }

  for (const element of suggestions) {
    const button = element.querySelector("button");
    button.type = "button"; // with the script, the offer applies here and never submits the form
    button.addEventListener("click", () => {
      useUsual(element.dataset.usualWords);
      wordBoxes[0].focus();
      checkSoon(50);
    });
  }

  form.addEventListener("input", (event) => {
    if (wordBoxes.includes(event.target) && same(wordsNow(), usualOf(matterShown.value))) offerFor(null);
    checkSoon(300);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "matter") matterChanged(event.target.value);
    checkSoon(50);
  });

  const add = form.querySelector('[data-action="add-row"]');
  add.hidden = false;
  add.addEventListener("click", () => {
    const rows = body.querySelectorAll("tr");
    const last = rows[rows.length - 1];
    const from = Number(last.dataset.row);
    const to = Number(rowsInput.value);
    const copy = last.cloneNode(true);
    copy.dataset.row = String(to);
    for (const element of copy.querySelectorAll("[id], [for], [name], [aria-describedby], [data-error-for]")) {
      for (const attribute of ["id", "for", "name", "aria-describedby", "data-error-for"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(`m${from}_`, `m${to}_`));
      }
      if (element.matches("input:not([type=checkbox]), textarea")) element.value = "";
      if (element.matches("input[type=checkbox]")) element.checked = false;
      if (element.matches("select")) element.value = "undecided";
      if (element.matches("[data-error-for]")) element.hidden = true;
      if (element.matches("label")) element.textContent = element.textContent.replace(/row \d+/, `row ${to + 1}`);
    }
    body.appendChild(copy);
    rowsInput.value = String(to + 1);
    copy.querySelector("input").focus();
  });

  // After a refused save, the list of problems is where the keyboard starts.
  if (!summaryBox.hidden) summaryBox.focus();
  check();
})();
