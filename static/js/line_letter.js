// A line's letter dialog (segments/_letter_dialog.html): a change answers the dialog's body, which replaces the
// control that had the focus. The focus goes back to that control in the new body, or to the field in error,
// so that the keyboard user stays in the dialog. grid.js opens the dialog and returns the focus to the grid.
(function () {
  "use strict";
  var focusedId = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var body = document.getElementById("letter-body");
    if (!body || !body.contains(event.detail.elt)) return;
    var active = document.activeElement;
    focusedId = active && body.contains(active) && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "letter-body") return;
    var body = event.detail.target;
    if (document.activeElement && body.contains(document.activeElement) && document.activeElement !== body) return;
    var next = body.querySelector('[aria-invalid="true"]') ||
      (focusedId && document.getElementById(focusedId)) ||
      body.querySelector("#letter-personal-text") || body.querySelector("#letter-close");
    focusedId = null;
    if (next) next.focus();
  });
})();
