// The segment page around the grid (issue 10): header sections that open and close like BC's FastTabs,
// remembered per user, and the answers to "this contact is already on the segment". grid.js keeps the grid.
(function () {
  "use strict";

  // A section opened or closed (mouse, Enter or Space on its summary): remember it for this user.
  // The parser's own toggle for sections rendered open is not a change: data-remembered says what is stored.
  document.addEventListener("toggle", function (event) {
    var tab = event.target;
    if (!tab.matches || !tab.matches("details[data-remember-url]")) return;
    var state = tab.open ? "open" : "closed";
    if (tab.dataset.remembered === state) return;
    tab.dataset.remembered = state;
    htmx.ajax("PUT", tab.dataset.rememberUrl, { source: tab, swap: "none", values: { open: tab.open ? "1" : "" } });
  }, true);

  // The line being edited stays in view: whatever gets the focus in the grid (a cell, its editor, the new
  // line) is scrolled into the grid's box, clear of the sticky column header and the frozen columns (the
  // grid's scroll-padding). Also after a swap, which can push the focused line down.
  function keepInView(el) {
    var wrap = el && el.closest ? el.closest(".grid-wrap") : null;
    if (!wrap) return;
    // A frozen column never scrolls away: moving up or down in it keeps the grid where it is sideways.
    var frozen = el.closest('[data-field="contact_no"], [data-field="company_name"], [data-field="contact_name"]');
    var left = wrap.scrollLeft;
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    if (frozen) wrap.scrollLeft = left;
  }
  document.addEventListener("focusin", function (event) { keepInView(event.target); });
  document.addEventListener("htmx:afterSettle", function () { keepInView(document.activeElement); });

  // "Already on the segment: add it again?" Yes repeats the request with allow_existing; No (or Esc) goes
  // back to the typed text, selected so that the next number replaces it.
  var answer = null;

  function newContact() { return document.querySelector("[data-new-contact]"); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#existing-dialog [data-answer]");
    if (!button) return;
    var dialog = button.closest("dialog");
    answer = Object.assign({}, button.dataset);
    dialog.close();
  });

  // Runs after grid.js's own close handler (registered first), so the focus set here is the last word.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog.id !== "existing-dialog") return;
    var given = answer || { answer: "no" };
    answer = null;
    var target = document.querySelector(dialog.dataset.answerTarget || "[data-new-line]");
    var editor = target ? target.querySelector(".cell-editor, [data-new-contact]") : null;
    if (given.answer !== "yes") {
      // Back to the typed text: selected on the new line (the next number replaces it), as it was in a cell.
      if (editor) { editor.focus(); if (editor.matches("[data-new-contact]")) editor.select(); }
      return;
    }
    if (!target) return;
    var forNewLine = target.matches("[data-new-line]");
    // A cell editor gives way first (Esc), so that the row comes back as saved, not re-opened.
    if (editor && !forNewLine) editor.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    htmx.ajax(given.answerMethod, given.answerUrl, {
      source: target, target: target, swap: "outerHTML", values: JSON.parse(given.answerValues)
    }).then(function () {
      var next = forNewLine ? newContact() : null;
      if (next) next.focus();
    });
  }, true);
})();
