// The reviewer's document view, keyboard first (the keys are listed on the page):
//   Tab / Enter              next field that needs a person (after the last: the confirm button)
//   Shift+Tab / Shift+Enter  the previous one
//   Alt+ArrowDown / Up       next / previous field of any kind
//   Esc                      undo the edit of the focused field (or close the reject form)
//   Ctrl+Enter               confirm the document (with the corrections typed) and open the next one
//   Alt+X                    reject the document (a reason, then Enter)
// The focused field's box is outlined on the page image; clicking a box focuses its field.
"use strict";

(function () {
  const form = document.getElementById("review-form");
  if (!form) return;
  const confirmButton = document.getElementById("confirm");
  const rejectForm = document.getElementById("reject-form");
  const rejectReason = document.getElementById("reject-reason");
  const inputs = Array.from(form.querySelectorAll(".field input"));
  const editable = inputs.filter((input) => !input.readOnly);
  const doubtful = editable.filter((input) => input.dataset.doubtful === "1");

  function fieldOf(input) { return input.closest(".field"); }
  function boxesOf(name) { return document.querySelectorAll('rect.box[data-field="' + CSS.escape(name) + '"]'); }

  function show(input) {
    document.querySelectorAll(".field.focused").forEach((el) => el.classList.remove("focused"));
    document.querySelectorAll("rect.box.focused").forEach((el) => el.classList.remove("focused"));
    const field = fieldOf(input);
    field.classList.add("focused");
    const boxes = boxesOf(field.dataset.field);
    boxes.forEach((box) => box.classList.add("focused"));
    if (boxes.length) boxes[0].scrollIntoView({ block: "center", inline: "nearest" });
  }

  function go(list, from, step) {
    if (!list.length) return false;
    const index = list.indexOf(from);
    let next;
    if (index === -1) {
      // from a field not in the list: the nearest one after (or before) it in the page's order
      const position = inputs.indexOf(from);
      const candidates = step > 0 ? list.filter((i) => inputs.indexOf(i) > position)
                                  : list.filter((i) => inputs.indexOf(i) < position).reverse();
      next = candidates[0];
    } else {
      next = list[index + step];
    }
    if (next) { focusField(next); return true; }
    if (step > 0 && confirmButton) { confirmButton.focus(); return true; }
    return false;
  }

  function focusField(input) {
    input.focus();
    input.select();
  }

  function submit(button) {
    inputs.forEach((input) => { input.value = input.value.normalize("NFC"); });
    form.requestSubmit(button);
  }

  inputs.forEach((input) => {
    input.addEventListener("focus", () => show(input));
    input.addEventListener("input", () => {
      fieldOf(input).classList.toggle("changed", input.value.normalize("NFC").trim() !== (input.dataset.original || "").trim());
    });
  });

  document.querySelectorAll("rect.box").forEach((box) => {
    box.addEventListener("click", () => {
      const input = document.getElementById("f-" + box.dataset.field);
      if (input && input.tagName === "INPUT") focusField(input);
    });
  });

  // pages whose size the server did not know take it from the image
  document.querySelectorAll(".page-frame").forEach((frame) => {
    const img = frame.querySelector("img");
    const svg = frame.querySelector("svg");
    const size = () => { if (!svg.getAttribute("viewBox") && img.naturalWidth) svg.setAttribute("viewBox", "0 0 " + img.naturalWidth + " " + img.naturalHeight); };
    if (img.complete) size(); else img.addEventListener("load", size);
  });

  function openReject() {
    if (!rejectForm) return;
    rejectForm.hidden = false;
    rejectReason.focus();
  }
  function closeReject() {
    if (!rejectForm) return;
    rejectForm.hidden = true;
    (doubtful[0] || editable[0] || confirmButton).focus();
  }
  const rejectOpen = document.getElementById("reject-open");
  if (rejectOpen) rejectOpen.addEventListener("click", openReject);
  const rejectCancel = document.getElementById("reject-cancel");
  if (rejectCancel) rejectCancel.addEventListener("click", closeReject);
  if (rejectReason) rejectReason.addEventListener("change", () => { rejectReason.value = rejectReason.value.normalize("NFC"); });
  if (rejectForm) rejectForm.addEventListener("submit", () => { rejectReason.value = rejectReason.value.normalize("NFC"); });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const inField = target instanceof HTMLInputElement && form.contains(target);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (rejectForm && rejectForm.contains(target)) return;
      if (confirmButton) { event.preventDefault(); submit(confirmButton); }
      return;
    }
    if ((event.key === "x" || event.key === "X") && event.altKey && !event.ctrlKey) {
      event.preventDefault();
      openReject();
      return;
    }
    if (event.key === "Escape") {
      if (rejectForm && !rejectForm.hidden) { event.preventDefault(); closeReject(); return; }
      if (inField && !target.readOnly) {
        event.preventDefault();
        target.value = target.dataset.original || "";
        fieldOf(target).classList.remove("changed");
        target.select();
      }
      return;
    }
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const from = inField ? target : null;
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (from) go(inputs, from, step); else if (inputs.length) focusField(inputs[0]);
      return;
    }
    if (!inField) return;
    if ((event.key === "Tab" || event.key === "Enter") && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (event.isComposing) return;  // an input method is still composing a syllable
      const moved = go(doubtful.length ? doubtful : editable, target, event.shiftKey ? -1 : 1);
      if (moved || event.key === "Enter") event.preventDefault();
    }
  });

  // a document opens on its first doubtful field (its text selected: typing replaces it)
  const error = document.getElementById("error");
  const changed = editable.find((input) => input.value.trim() !== (input.dataset.original || "").trim());
  changed && fieldOf(changed).classList.add("changed");
  const first = (error && changed) || doubtful[0];
  if (first) focusField(first); else if (confirmButton) confirmButton.focus();
})();
