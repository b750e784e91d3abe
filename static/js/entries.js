// Interaction log entries: the header checkbox selects or clears every entry of the page (attached by the
// data-select-all attribute, re-bound after each htmx swap of the table).
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
})();
