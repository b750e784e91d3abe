// The segment page around the grid (issue 10): header sections that open and close like BC's FastTabs,
// remembered per user, and the line being edited kept in view. grid.js keeps the grid (and the answers to its
// questions).
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
})();
