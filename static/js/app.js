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
})();
