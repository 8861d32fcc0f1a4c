// The scenario editor: ask the server to check the form as the instructor types, and show every
// problem at once: beside its field, and in the list above the Save button, linked to the field.
// The server checks with the same model it saves with. When the Matter changes, the verdict's words
// follow it unless someone chose them; the usual words of each matter come from the page.
// Lists of rows (members, and lists within rows) grow by a copy of their last, blank row, renumbered.
(() => {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = form.querySelector('[data-live="check"]');
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
    const section = target.closest("details");
    if (section) section.open = true; // a field in a closed section is opened before the keyboard goes there
    target.focus();
    target.scrollIntoView({ block: "center" });
  });

  // The verdict's words and the Matter. A blank box reads as the plain words (data-plain, as the file
  // would say them; its placeholder shows them in the reader's language).
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
    return Object.fromEntries(wordBoxes.map((box) => [box.dataset.verdict, box.value.trim() || box.dataset.plain]));
  }

  function same(words, other) {
    return Boolean(other) && wordBoxes.every((box) => words[box.dataset.verdict] === other[box.dataset.verdict]);
  }

  function untouched(matter) {
    const plain = Object.fromEntries(wordBoxes.map((box) => [box.dataset.verdict, box.dataset.plain]));
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

  // A list is an element with data-repeat (the prefix of its rows' names, "m" for m0_name) and
  // data-count (the hidden box saying how many rows the form has); its rows carry data-row.
  const RENAMED = [
    "id", "for", "name", "aria-describedby", "data-error-for", "data-repeat", "data-count", "data-add-row", "data-ordinal",
  ];

  function rowsOf(list) {
    return [...list.children].filter((element) => element.hasAttribute("data-row"));
  }

  function renumber(root, prefix, from, to) {
    const pattern = new RegExp(`(^|[-\\s])${prefix}${from}(?!\\d)`, "g");
    for (const element of [root, ...root.querySelectorAll("*")]) {
      for (const attribute of RENAMED) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(pattern, `$1${prefix}${to}`));
      }
    }
  }

  function blank(root) {
    for (const element of root.querySelectorAll("input, textarea, select")) {
      if (element.type === "checkbox" || element.type === "radio") element.checked = false;
      else if (element.matches("select")) {
        element.value = ([...element.options].find((option) => option.defaultSelected) || element.options[0]).value;
      } else element.value = "";
      element.removeAttribute("aria-invalid");
    }
    for (const box of root.querySelectorAll("[data-error-for]")) {
      box.textContent = "";
      box.hidden = true;
    }
    for (const note of root.querySelectorAll("[data-kept-note]")) note.remove();
  }

  function addRow(list) {
    const prefix = list.dataset.repeat;
    const count = form.querySelector(`[name="${list.dataset.count}"]`);
    const rows = rowsOf(list);
    const last = rows[rows.length - 1];
    const to = Number(count.value);
    const copy = last.cloneNode(true);
    copy.dataset.row = String(to);
    renumber(copy, prefix, Number(last.dataset.row), to);
    for (const number of copy.querySelectorAll(`[data-ordinal="${prefix}"]`)) number.textContent = String(to + 1);
    blank(copy);
    for (const inner of copy.querySelectorAll("[data-repeat]")) {
      for (const extra of rowsOf(inner).slice(1)) extra.remove(); // a new row's own lists start with one blank row
      copy.querySelector(`[name="${inner.dataset.count}"]`).value = "1";
    }
    for (const button of copy.querySelectorAll("[data-add-row]")) wire(button);
    list.appendChild(copy);
    count.value = String(to + 1);
    copy.querySelector("input:not([type=hidden]), select, textarea").focus();
    checkSoon(50);
  }

  function wire(button) {
    button.hidden = false;
    button.addEventListener("click", () => addRow(document.getElementById(button.dataset.addRow)));
  }

  for (const button of form.querySelectorAll("[data-add-row]")) wire(button);

  // After a refused save, the list of problems is where the keyboard starts.
  if (!summaryBox.hidden) summaryBox.focus();
  check();
})();
