// Small page-wide behaviour; the server holds the state. Texts come from the page (data- attributes of #flash).
(function () {
  "use strict";
  // Show a message when an htmx request fails (the fragment is not swapped for 5xx).
  document.addEventListener("htmx:responseError", function (event) {
    var area = document.getElementById("flash");
    if (!area) return;
    var div = document.createElement("div");
    div.className = "flash flash-error";
    div.setAttribute("role", "alert");
    var text = event.detail.xhr.responseText || "";
    var parsed = new DOMParser().parseFromString(text, "text/html");
    var message = parsed.querySelector("[role=alert]");
    div.textContent = message ? message.textContent : area.dataset.error + " " + event.detail.xhr.status;
    area.appendChild(div);
  });
  document.addEventListener("htmx:sendError", function () {
    var area = document.getElementById("flash");
    if (!area) return;
    var div = document.createElement("div");
    div.className = "flash flash-error";
    div.setAttribute("role", "alert");
    div.textContent = area.dataset.noAnswer;
    area.appendChild(div);
  });
  // After a form error the focus goes to the first field in error (the server marks it aria-invalid), before
  // the browser's autofocus would send it to the form's first field.
  function focusFirstError() {
    var field = document.querySelector('main form [aria-invalid="true"]');
    if (field) field.focus();
  }
  if (document.readyState !== "loading") focusFirstError(); else document.addEventListener("DOMContentLoaded", focusFirstError);
  // Toolbar menus (details[data-menu]): Esc closes the menu and gives the focus back to its button, the arrows
  // (and Home, End) move between its links, and a click or the focus elsewhere closes it.
  function closeMenu(menu, focus) {
    menu.open = false;
    if (focus) menu.querySelector("summary").focus();
  }
  document.addEventListener("keydown", function (event) {
    var menu = event.target.closest ? event.target.closest("details[data-menu][open]") : null;
    if (!menu) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(menu, true);
    } else if (["ArrowDown", "ArrowUp", "Home", "End"].indexOf(event.key) >= 0) {
      // The arrows go round; Home and End go to the first and last item.
      var links = Array.prototype.slice.call(menu.querySelectorAll(".menu-items a"));
      var at = links.indexOf(document.activeElement);
      var next = { ArrowDown: at + 1, ArrowUp: (at < 0 ? links.length : at) - 1, Home: 0, End: links.length - 1 }[event.key];
      if (links.length) links[(next + links.length) % links.length].focus();
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var chosen = event.target.closest ? event.target.closest(".menu-items a") : null;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (chosen && menu.contains(chosen)) closeMenu(menu, true);
      else if (!menu.contains(event.target)) closeMenu(menu, false);
    });
  });
  document.addEventListener("focusin", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) closeMenu(menu, false);
    });
  });
})();
