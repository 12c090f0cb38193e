// The analyse form: drop a file anywhere on the form, Ctrl+Enter submits, the button says it is working.
(function () {
  "use strict";
  var form = document.getElementById("analyse");
  if (!form) { return; }
  var file = document.getElementById("input-file");
  var text = document.getElementById("input-text");
  var button = document.getElementById("submit");
  form.addEventListener("dragover", function (event) {
    event.preventDefault();
    form.classList.add("dropping");
  });
  form.addEventListener("dragleave", function () { form.classList.remove("dropping"); });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.classList.remove("dropping");
    if (event.dataTransfer && event.dataTransfer.files.length && file) {
      file.files = event.dataTransfer.files;
    }
  });
  if (text) {
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  form.addEventListener("submit", function () {
    if (button) {
      button.disabled = true;
      button.textContent = "Analysing…";
    }
  });
})();
