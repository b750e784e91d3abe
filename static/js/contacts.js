// Contacts list: "/" outside a text field jumps to the search box; ArrowDown from the search box
// enters the results, ArrowUp/ArrowDown move between them (Enter opens the card, as on any link);
// after a page of the pager the focus is on the first result, at the top of the window.
(function () {
  "use strict";
  var ROW_LINK = "#contact-table tbody tr[data-contact] a[data-row-link]";

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(ROW_LINK));
  }

  function focusRow(link) {
    if (!link) return;
    link.focus({ preventScroll: true });
    link.closest("tr").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (event.key === "/") {
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      var search = document.getElementById("contact-search");
      if (!search) return;
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (target.id === "contact-search") {
      if (event.key !== "ArrowDown" || event.shiftKey) return;
      var first = rowLinks()[0];
      if (!first) return;
      event.preventDefault();
      focusRow(first);
      return;
    }
    if (!target.matches || !target.matches(ROW_LINK)) return;
    var links = rowLinks();
    var index = links.indexOf(target);
    event.preventDefault();
    if (event.key === "ArrowDown") {
      focusRow(links[index + 1]);
    } else if (index > 0) {
      focusRow(links[index - 1]);
    } else {
      document.getElementById("contact-search").focus();
    }
  });

  // A pager link replaced the table: the clicked link is gone, so the focus would fall to the body.
  document.addEventListener("htmx:afterSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!elt || !elt.closest || !elt.closest(".pager") || event.detail.target.id !== "contact-table") return;
    window.scrollTo(0, 0);
    var first = rowLinks()[0];
    if (first) first.focus({ preventScroll: true });
  });
})();
