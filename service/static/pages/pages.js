// Shared by every page: the element marked autofocus gets the focus (links included, which browsers skip),
// so that a page can be used with the keyboard from its first key.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const wanted = document.querySelector("[autofocus]");
  if (wanted && (document.activeElement === document.body || document.activeElement === null)) wanted.focus();
});
