// The scenario editor: ask the server to check the form as the instructor types, and show each
// problem beside its field. The server checks with the same model it saves with.
(() => {
  "use strict";
  const form = document.getElementById("editor");
  if (!form) return;
  document.documentElement.classList.add("js");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = form.querySelector('[data-live="check"]');
  const rowsInput = form.querySelector("[data-rows]");
  const body = form.querySelector("[data-member-rows]");
  let timer = null;
  let sequence = 0;

  function errorBox(id) {
    let box = document.getElementById(`err-${id}`);
    if (!box) box = document.getElementById("err-general");
    return box;
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

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 50);
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

  check();
})();
