// The criteria view and the recipe pages (go back, save, reuse, saved criteria): Esc leaves the page the way
// its Cancel or Back link does. Attached by data- attributes (no inline script).
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
    var target = document.querySelector("[data-escape-target]");
    if (!target || !target.href) return;
    event.preventDefault();
    window.location.href = target.href;
  });
})();
