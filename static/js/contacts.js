// Contacts list: "/" outside a text field jumps to the search box.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.getElementById("contact-search");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });
})();
