// The add / reduce / refine contacts dialog (spec 3.4): tabs per table (the WAI-ARIA tabs pattern), "+ field",
// "Or…" groups, the live preview's errors shown at their field, and its keys. grid.js opens the dialog as it
// arrives and puts the focus back where it was when it closes; htmx sends the preview (debounced, a newer
// request replacing the older) and the apply. Attached by data- attributes, so it works on every loaded dialog.
(function () {
  "use strict";

  function list(nodes) { return Array.prototype.slice.call(nodes); }
  function dialogOf(el) { return el && el.closest ? el.closest("[data-criteria-dialog], .criteria-page") : null; }
  function formOf(el) { var d = dialogOf(el); return d ? d.querySelector("#criteria-form") : null; }

  // ---- Tabs ----------------------------------------------------------------------------------------------

  function selectTab(tab, focus) {
    var tablist = tab.closest("[role=tablist]");
    list(tablist.querySelectorAll("[role=tab]")).forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.setAttribute("tabindex", selected ? "0" : "-1");
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    if (focus) tab.focus();
  }

  function onTabKey(event, tab) {
    var tabs = list(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var i = tabs.indexOf(tab), next = null;
    if (event.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return false;
    event.preventDefault();
    selectTab(next, true);
    return true;
  }

  // The tab showing a field: selected, so that the field can take the focus.
  function revealField(input) {
    var panel = input.closest("[role=tabpanel]");
    if (panel && panel.hidden) {
      var tab = document.getElementById(panel.getAttribute("aria-labelledby"));
      if (tab) selectTab(tab, false);
    }
  }

  // How many fields of each tab are filled in, on the tab itself.
  function countFilled(panel) {
    var tab = document.getElementById(panel.getAttribute("aria-labelledby"));
    var badge = tab && tab.querySelector("[data-tab-count]");
    if (!badge) return;
    var n = list(panel.querySelectorAll("input[type=text]:not([disabled])")).filter(function (input) {
      return input.value.trim() !== "";
    }).length;
    badge.textContent = n ? String(n) : "";
  }

  // ---- Fields and groups ---------------------------------------------------------------------------------

  function currentPanel(dialog) {
    var active = document.activeElement;
    var panel = active && active.closest && active.closest("[role=tabpanel]");
    if (panel && dialog.contains(panel)) return panel;
    var tab = active && active.closest && active.closest("[role=tab]");
    if (tab && dialog.contains(tab)) return document.getElementById(tab.getAttribute("aria-controls"));
    var group = (active && active.closest && active.closest("[data-group]")) || dialog.querySelector("[data-group]");
    return group ? group.querySelector("[role=tabpanel]:not([hidden])") : null;
  }

  function addField(select) {
    var name = select.value;
    if (!name) return false;
    var input = document.getElementById(name);
    if (!input) return false;
    var row = input.closest(".criteria-field");
    row.hidden = false;
    input.disabled = false;
    select.remove(select.selectedIndex);
    select.value = "";
    if (select.options.length <= 1) select.closest(".criteria-add-field").hidden = true;
    input.focus();
    return true;
  }

  function focusAddField(dialog) {
    var panel = currentPanel(dialog);
    var select = panel && panel.querySelector("[data-add-field]");
    if (select && !select.closest("[hidden]")) select.focus();
  }

  function addGroup(dialog) {
    var form = dialog.querySelector("#criteria-form");
    var groups = dialog.querySelector("#criteria-groups");
    var count = groups.querySelectorAll("[data-group]").length;
    var note = dialog.querySelector("#criteria-group-message");
    if (count >= Number(form.dataset.maxGroups)) { if (note) note.textContent = form.dataset.msgMaxGroups; return; }
    if (note) note.textContent = "";
    htmx.ajax("GET", form.dataset.groupUrl + "?group=" + (count + 1), { target: groups, swap: "beforeend" }).then(function () {
      var group = groups.querySelector('[data-group="' + (count + 1) + '"]');
      var first = group && group.querySelector("input[type=text]:not([disabled])");
      if (first) first.focus();
    });
  }

  // ---- The preview's error, at its field -----------------------------------------------------------------

  function clearErrors(dialog) {
    list(dialog.querySelectorAll('#criteria-groups [aria-invalid="true"]')).forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    list(dialog.querySelectorAll("#criteria-groups .field-error")).forEach(function (slot) { slot.textContent = ""; });
  }

  // An expression's error, sent in the preview region, also appears under its field; after an apply the
  // field takes the focus with the caret where the expression went wrong.
  function showFieldError(dialog, focus) {
    clearErrors(dialog);
    var error = dialog.querySelector("#criteria-preview [data-error-field]");
    if (!error) return;
    var input = document.getElementById(error.dataset.errorField);
    if (!input || !dialog.contains(input)) return;
    input.setAttribute("aria-invalid", "true");
    var slot = document.getElementById(input.id + "-error");
    if (slot) slot.textContent = error.firstChild ? error.firstChild.textContent.trim() : error.textContent.trim();
    if (!focus) return;
    revealField(input);
    input.focus();
    var at = Number(error.dataset.errorPosition);
    if (error.dataset.errorPosition !== undefined && !isNaN(at)) input.setSelectionRange(at, Math.min(at + 1, input.value.length));
  }

  // ---- Events --------------------------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    var dialog = dialogOf(event.target);
    if (!dialog) return;
    var tab = event.target.closest("[role=tab]");
    if (tab && !event.altKey && !event.ctrlKey && onTabKey(event, tab)) return;
    var letter = event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey ? event.code : "";
    if (letter === "KeyE") { event.preventDefault(); return focusAddField(dialog); }
    if (letter === "KeyO") { event.preventDefault(); return addGroup(dialog); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      return dialog.querySelector("#criteria-form").requestSubmit();
    }
    if (event.key === "Enter" && event.target.matches("[data-add-field]")) { event.preventDefault(); return addField(event.target); }
    // Enter in a filter counts at once instead of applying: applying takes Ctrl+Enter or the button.
    if (event.key === "Enter" && event.target.matches("#criteria-groups input[type=text]")) {
      event.preventDefault();
      htmx.trigger(formOf(event.target), "criteriaPreview");
    }
  });

  document.addEventListener("click", function (event) {
    var dialog = dialogOf(event.target);
    if (!dialog) return;
    var tab = event.target.closest("[role=tab]");
    if (tab) return selectTab(tab, true);
    var button = event.target.closest("[data-add-field-button]");
    if (button) return addField(button.parentNode.querySelector("[data-add-field]"));
    if (event.target.closest("[data-add-group]")) return addGroup(dialog);
    if (event.target.closest("[data-confirm-no]")) {
      dialog.querySelector("#criteria-preview").textContent = "";
      var first = dialog.querySelector("#criteria-groups input[type=text]:not([disabled])");
      if (first) { revealField(first); first.focus(); }
      htmx.trigger(dialog.querySelector("#criteria-form"), "criteriaPreview");
    }
  });

  document.addEventListener("input", function (event) {
    var panel = event.target.closest && event.target.closest("[data-criteria-dialog] [role=tabpanel], .criteria-page [role=tabpanel]");
    if (panel) countFilled(panel);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "criteria-preview") return;
    var dialog = dialogOf(target);
    var applying = event.detail.requestConfig && event.detail.requestConfig.verb === "post" &&
      event.detail.requestConfig.elt && event.detail.requestConfig.elt.id === "criteria-form";
    showFieldError(dialog, applying);
    var yes = target.querySelector("[data-confirm] [autofocus]");
    if (yes) yes.focus();
  });

  // Applied: close the dialog (the focus goes back where it was) and reload the lines as the page shows them.
  document.addEventListener("criteriaApplied", function () {
    var dialog = document.querySelector("[data-criteria-dialog]");
    if (dialog && dialog.open) dialog.close();
    var filter = document.getElementById("lines-filter");
    if (filter) htmx.trigger(filter, "search");
  });

  // Closed (Esc, Cancel) while its preview is still counting: the server stops counting too.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog.matches || !dialog.matches("[data-criteria-dialog]")) return;
    var region = dialog.querySelector("#criteria-preview");
    var form = dialog.querySelector("#criteria-form");
    if (!region || !form || !region.classList.contains("htmx-request")) return;
    htmx.trigger(region, "htmx:abort");
    htmx.ajax("POST", form.dataset.stopUrl, { source: form, swap: "none", values: { token: form.elements.token.value } });
  }, true);

  // ---- Keys typed while the dialog is on its way --------------------------------------------------------
  // Alt+Shift+A then typing at once: the keys must not land in the page's fields, nor be lost. They are held
  // until the dialog is open, then typed into it (characters, Backspace, Tab and Shift+Tab, Enter, Esc).
  var opening = null;

  function isDialogRequest(event) {
    var target = event.detail && (event.detail.target || (event.detail.requestConfig || {}).target);
    return target && target.id === "criteria-dialog";
  }

  document.addEventListener("htmx:beforeRequest", function (event) { if (isDialogRequest(event)) opening = []; });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isDialogRequest(event) && !event.detail.successful) opening = null;
  });
  document.addEventListener("keydown", function (event) {
    if (!opening || /^(Shift|Control|Alt|Meta)$/.test(event.key)) return;
    event.preventDefault();
    event.stopPropagation();
    opening.push({ key: event.key, shift: event.shiftKey, plain: !event.ctrlKey && !event.altKey && !event.metaKey });
  }, true);

  // What Tab itself would visit: the tabs that are not selected are buttons too, but tabindex -1 keeps them
  // out of the order (Shift+Tab held from the first field must reach the selected tab, not the last one).
  function tabbables(dialog) {
    return list(dialog.querySelectorAll('input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
      'button:not([disabled]), a[href]')).filter(function (el) {
      return el.tabIndex >= 0 && el.getClientRects().length > 0 && !el.closest("[hidden]");
    });
  }

  function typeInto(dialog, keys) {
    keys.forEach(function (k) {
      var el = document.activeElement;
      if (k.key === "Escape") { dialog.close(); return; }
      if (!dialog.open) return;
      if (k.key === "Tab") {
        var all = tabbables(dialog), i = all.indexOf(el);
        var next = all[(i + (k.shift ? -1 : 1) + all.length) % all.length];
        if (next) next.focus();
        return;
      }
      if (k.key === "Enter" && el && el.tagName === "INPUT") {
        // As the key itself would: the page's own handlers first (Enter on a register option), else the
        // form's implicit submission.
        var enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
        if (el.dispatchEvent(enter) && el.form) el.form.requestSubmit();
        return;
      }
      if (!el || el.tagName !== "INPUT" || el.type !== "text") return;
      if (k.key === "Backspace") {
        var start = el.selectionStart === el.selectionEnd ? Math.max(0, el.selectionStart - 1) : el.selectionStart;
        el.setRangeText("", start, el.selectionEnd, "end");
      } else if (k.key.length === 1 && k.plain) {
        el.setRangeText(k.key, el.selectionStart, el.selectionEnd, "end");
      } else {
        return;
      }
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // A dialog that arrives: the keys held meanwhile; the counts on its tabs (a page shown again after an error
  // has fields filled in).
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    if (!root.querySelectorAll) return;
    list(root.querySelectorAll("[data-criteria-dialog] [role=tabpanel], .criteria-page [role=tabpanel]")).forEach(countFilled);
    // Any dialog that arrives in the slot ends the hold (the register dialog comes there too).
    if (opening && root.matches && root.matches("[data-criteria-dialog], #criteria-dialog")) {
      // grid.js opens the dialog on this same event; type once it is open (keys keep being held till then).
      setTimeout(function () {
        var keys = opening || [];
        opening = null;
        typeInto(root, keys);
      }, 0);
    }
  });
})();
