// Interaction log entries: the header checkbox selects or clears every entry of the page (attached by the
// data-select-all attribute, re-bound after each htmx swap of the table); Enter in a field with
// data-enter-clicks presses the button it names (the reason of a failed delivery marks the entries, where the
// form's first button would set their evaluation).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-select-all]");
    if (!all) return;
    var boxes = document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-select-all") + '"]');
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = all.checked;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var field = event.target.closest && event.target.closest("[data-enter-clicks]");
    if (!field) return;
    var button = document.getElementById(field.getAttribute("data-enter-clicks"));
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
