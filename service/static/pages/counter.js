// The counter's page: photos taken one after another accumulate in the file input (each shot of a camera input
// replaces its selection), each one shown with its capture-quality verdict as soon as it is chosen
// (POST /counter/quality: nothing is stored), and any can be removed before the dossier is sent.
// Without this script the form still works, with one selection of files.
"use strict";

(function () {
  const form = document.getElementById("counter-form");
  if (!form) return;
  const input = document.getElementById("files");
  const list = document.getElementById("chosen");
  const summary = document.getElementById("chosen-summary");
  const csrf = form.querySelector('input[name="csrf"]').value;
  const chosen = [];  // {file, item}
  const canSet = typeof DataTransfer === "function";

  function sync() {
    if (canSet) {
      const transfer = new DataTransfer();
      chosen.forEach((entry) => transfer.items.add(entry.file));
      input.files = transfer.files;
    }
    const retakes = chosen.filter((entry) => entry.item.classList.contains("retake")).length;
    summary.hidden = chosen.length === 0;
    summary.textContent = chosen.length + " tệp sẽ được gửi" + (retakes ? " · " + retakes + " ảnh nên chụp lại" : "");
  }

  function line(className, text) {
    const p = document.createElement("p");
    p.className = "verdict " + className;
    p.textContent = text;
    return p;
  }

  function show(item, quality) {
    const box = item.querySelector(".result");
    box.replaceChildren();
    const verdicts = quality.verdicts.concat(...quality.pages.map((page) => page.verdicts));
    const seen = new Set();
    const unique = verdicts.filter((v) => !seen.has(v.code) && seen.add(v.code));
    const retakes = unique.filter((v) => v.severity === "retake");
    item.classList.remove("checking");
    item.classList.add(retakes.length ? "retake" : "ok");
    if (!retakes.length) box.appendChild(line("good", "Ảnh đạt yêu cầu."));
    unique.forEach((v) => {
      const p = line(v.severity === "retake" ? "bad" : "note", v.message);
      p.dataset.code = v.code;
      box.appendChild(p);
    });
    sync();
  }

  async function check(entry) {
    const data = new FormData();
    data.append("files", entry.file, entry.file.name);
    try {
      const answer = await fetch("/counter/quality", {method: "POST", body: data, credentials: "same-origin",
                                                       headers: {"X-CSRF-Token": csrf}});
      const body = await answer.json();
      if (!answer.ok) throw new Error(body.detail || answer.statusText);
      show(entry.item, body.files[0]);
    } catch (error) {
      entry.item.classList.remove("checking");
      entry.item.querySelector(".result").replaceChildren(line("note", "Chưa kiểm tra được ảnh: " + error.message));
    }
  }

  function add(file) {
    const item = document.createElement("li");
    item.className = "checking";
    let thumb;
    if (file.type.startsWith("image/")) {
      thumb = document.createElement("img");
      thumb.src = URL.createObjectURL(file);
      thumb.alt = "";
    } else {
      thumb = document.createElement("span");
      thumb.textContent = "PDF";
    }
    thumb.className = "thumb";
    const text = document.createElement("div");
    const name = document.createElement("div");
    name.className = "name";
    name.textContent = file.name;
    const result = document.createElement("div");
    result.className = "result";
    result.appendChild(line("", "Đang kiểm tra ảnh…"));
    text.append(name, result);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Bỏ";
    remove.setAttribute("aria-label", "Bỏ tệp " + file.name);
    const entry = {file, item};
    remove.addEventListener("click", () => {
      chosen.splice(chosen.indexOf(entry), 1);
      item.remove();
      sync();
    });
    item.append(thumb, text, remove);
    list.appendChild(item);
    chosen.push(entry);
    check(entry);
  }

  input.addEventListener("change", () => {
    const fresh = Array.from(input.files).filter((file) => !chosen.some((entry) => entry.file === file));
    if (!canSet) chosen.splice(0).forEach((entry) => entry.item.remove());  // the input holds only the last choice
    fresh.forEach(add);
    sync();
  });

  form.addEventListener("submit", () => {
    const send = document.getElementById("send");
    send.disabled = true;
    send.textContent = "Đang đọc hồ sơ…";
  });
})();
