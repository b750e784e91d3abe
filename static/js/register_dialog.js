// The register dialog (spec 3.6): Enter on an option registers (as on a text field), and a refusal's
// "Go to line" closes the dialog and puts the focus on the cell at fault, loading that line first when the
// grid has not got it (the lines filter finds it by its contact). Attached by data- attributes.
(function () {
  "use strict";

  function focusLineCell(lineNo, field) {
    var row = document.getElementById("line-" + lineNo);
    var cell = row && (row.querySelector('td[data-field="' + field + '"]') || row.querySelector("td[data-field]"));
    if (!cell) return false;
    document.querySelectorAll('#lines-grid td[tabindex="0"]').forEach(function (other) { other.setAttribute("tabindex", "-1"); });
    cell.setAttribute("tabindex", "0");
    cell.scrollIntoView({ block: "center" });
    cell.focus();
    return true;
  }

  // Close the dialog, then act: grid.js puts the focus back where it was as the dialog closes.
  function closeThen(dialog, then) {
    if (!dialog || !dialog.open) return then();
    dialog.addEventListener("close", function () { setTimeout(then, 0); }, { once: true });
    dialog.close();
  }

  function goToLine(link) {
    closeThen(link.closest("dialog"), function () { findLine(link); });
  }

  function findLine(link) {
    var lineNo = link.dataset.goToLine, field = link.dataset.field;
    if (focusLineCell(lineNo, field)) return;
    // Not loaded yet: ask the grid for that line's contact, then focus it when the rows arrive.
    var filter = document.getElementById("lines-filter");
    var contact = link.closest("[data-contact-no]");
    if (!filter || !contact) return;
    var body = document.getElementById("lines-body");
    var done = function () {
      body.removeEventListener("htmx:afterSettle", done);
      focusLineCell(lineNo, field);
    };
    body.addEventListener("htmx:afterSettle", done);
    filter.value = contact.dataset.contactNo;
    filter.dispatchEvent(new Event("search"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-register-dialog] [data-go-to-line]");
    if (link) { event.preventDefault(); return goToLine(link); }
    var header = event.target.closest("[data-register-dialog] [data-go-to-header]");
    if (header) {
      event.preventDefault();
      closeThen(header.closest("dialog"), function () {
        var input = document.getElementById("h-" + header.dataset.goToHeader);
        if (!input) return;
        var section = input.closest("details");
        if (section) section.open = true;
        input.focus();
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.ctrlKey || event.altKey || event.shiftKey) return;
    var box = event.target.closest && event.target.closest("[data-register-form] input[type=checkbox]");
    if (!box) return;
    event.preventDefault();
    box.form.requestSubmit();
  });
})();
