// Keyboard-first segment page (spec 4): a spreadsheet-like lines grid and the page shortcuts.
// Attached by data- attributes and re-bound on htmx:load; the server holds the state.
(function () {
  "use strict";

  // htmx attaches behaviour to swapped-in content when it settles; with the default 20 ms delay a fast
  // key press (Space on a checkbox just saved) would land on an element that does nothing yet.
  if (window.htmx) htmx.config.defaultSettleDelay = 0;

  var keymap = [];
  var active = { line: null, field: null };
  var editor = null;        // the open cell editor, if any
  var reopen = null;        // an edit to re-open after its row was swapped
  var queues = {};          // one request at a time per line, so each carries the latest version
  var lastFocus = null;     // where to return after a dialog

  function parseCombo(text) {
    var parts = text === "+" ? ["+"] : text.split("+");
    var key = parts.pop();
    return { key: key, ctrl: parts.indexOf("Ctrl") >= 0, alt: parts.indexOf("Alt") >= 0, shift: parts.indexOf("Shift") >= 0 };
  }

  function matches(event, combo) {
    if (combo.key === "?") return event.key === "?" && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (event.ctrlKey !== combo.ctrl || event.altKey !== combo.alt || event.metaKey) return false;
    if (/^[A-Za-z]$/.test(combo.key)) return event.code === "Key" + combo.key.toUpperCase() && event.shiftKey === combo.shift;
    return event.key === combo.key && event.shiftKey === combo.shift;
  }

  function actionOf(event) {
    for (var i = 0; i < keymap.length; i++) {
      for (var j = 0; j < keymap[i].combos.length; j++) {
        if (matches(event, keymap[i].combos[j])) return keymap[i];
      }
    }
    return null;
  }

  function grid() { return document.querySelector("[data-grid]"); }
  function rows() { var g = grid(); return g ? Array.prototype.slice.call(g.querySelectorAll("tr[data-line-no]")) : []; }
  function rowOf(lineNo) { return document.getElementById("line-" + lineNo); }
  function cellIn(tr, field) { return tr ? tr.querySelector('td[data-field="' + field + '"]') : null; }
  function isTextField(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function focusCell(td) {
    if (!td) return;
    var g = grid();
    if (g) g.querySelectorAll('td[tabindex="0"]').forEach(function (c) { if (c !== td) c.setAttribute("tabindex", "-1"); });
    td.setAttribute("tabindex", "0");
    var tr = td.closest("tr");
    active.line = tr.dataset.lineNo;
    active.field = td.dataset.field;
    td.focus();
  }

  function activeCell() { return cellIn(rowOf(active.line), active.field); }

  function move(td, dRow, dCol) {
    var tr = td.closest("tr");
    if (dCol) {
      var cells = Array.prototype.slice.call(tr.querySelectorAll("td[data-field]"));
      var i = cells.indexOf(td) + dCol;
      if (i >= 0 && i < cells.length) return focusCell(cells[i]);
      var list = rows(), r = list.indexOf(tr) + dCol;
      if (r >= 0 && r < list.length) {
        var other = list[r].querySelectorAll("td[data-field]");
        return focusCell(dCol > 0 ? other[0] : other[other.length - 1]);
      }
      return focusCell(td);
    }
    var all = rows(), k = all.indexOf(tr) + dRow;
    if (k >= 0 && k < all.length) return focusCell(cellIn(all[k], td.dataset.field));
    if (dRow > 0) {
      var more = grid().querySelector("tr.load-more button");
      if (more) more.click();
    }
    focusCell(td);
  }

  function headerOf(field) { return grid().querySelector('th[data-field="' + field + '"]'); }

  function startEdit(td, text) {
    if (!td || !td.dataset.edit || editor) return;
    var th = headerOf(td.dataset.field);
    var message = td.querySelector(".cell-error");
    var field;
    if (th && th.dataset.options) {
      field = document.createElement("select");
      JSON.parse(th.dataset.options).forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1] || "—";
        field.appendChild(option);
      });
      field.value = text !== null && text !== undefined ? text : td.dataset.value;
    } else {
      field = document.createElement("input");
      field.type = "text";
      field.autocomplete = "off";
      if (th && th.dataset.list) field.setAttribute("list", th.dataset.list);
      if (td.dataset.field === "contact_no") {
        field.name = "contact_no";
        field.setAttribute("hx-get", grid().dataset.contactOptionsUrl || "");
        field.setAttribute("hx-trigger", "input changed delay:200ms");
        field.setAttribute("hx-target", "#contact-options");
        field.setAttribute("hx-swap", "innerHTML");
      }
      field.value = text !== null && text !== undefined ? text : td.dataset.value;
    }
    field.className = "cell-editor";
    field.setAttribute("aria-label", th ? th.textContent.trim() : td.dataset.field);
    td.dataset.original = td.innerHTML;
    td.textContent = "";
    td.appendChild(field);
    if (message) td.appendChild(message);
    td.classList.add("editing");
    editor = field;
    if (field.getAttribute("hx-get") && window.htmx) htmx.process(field);
    field.focus();
    if (field.setSelectionRange) field.setSelectionRange(field.value.length, field.value.length);
  }

  function closeEditor(restore) {
    if (!editor) return null;
    var td = editor.closest("td");
    var value = editor.value;
    editor = null;
    if (td) {
      td.classList.remove("editing");
      if (restore) td.innerHTML = td.dataset.original;
      else td.textContent = value;
      // The message belonged to the value just left behind.
      td.querySelectorAll(".cell-error").forEach(function (m) { m.remove(); });
      td.classList.remove("has-error");
      td.removeAttribute("aria-invalid");
    }
    return td;
  }

  function send(lineNo, verb, values) {
    var previous = queues[lineNo] || Promise.resolve();
    var next = previous.then(function () {
      var tr = rowOf(lineNo);
      if (!tr) return null;
      values.version = tr.dataset.version;
      var url = tr.dataset.url;
      if (verb === "DELETE") { url += "?version=" + encodeURIComponent(tr.dataset.version); }
      return htmx.ajax(verb, url, {
        // A deleted line answers nothing but the totals (so the row goes); a conflict answers the row.
        source: tr, target: tr, swap: "outerHTML",
        values: verb === "DELETE" ? {} : values
      });
    }).catch(function () { return null; });
    queues[lineNo] = next;
    return next;
  }

  function save(td, value) {
    var tr = td.closest("tr");
    if (value === td.dataset.value) return;
    td.classList.add("saving");
    // start: the value this edit began from; the server saves only if the field still holds it (issue 10).
    send(tr.dataset.lineNo, "PUT", { field: td.dataset.field, value: value, start: td.dataset.value });
    // Optimistic until the row comes back, so that F8 below copies what was just typed.
    td.dataset.value = value;
  }

  function commit(dRow, dCol) {
    var td = editor ? editor.closest("td") : null;
    if (!td) return;
    var value = editor.value;
    var unchanged = value === td.dataset.value;
    closeEditor(unchanged);
    if (!unchanged) save(td, value);
    if (dRow || dCol) move(td, dRow, dCol); else focusCell(td);
  }

  function cancel() {
    var td = closeEditor(true);
    if (td) focusCell(td);
  }

  function valueAbove(td) {
    var list = rows(), tr = td.closest("tr"), i = list.indexOf(tr);
    if (i <= 0) return null;
    var above = cellIn(list[i - 1], td.dataset.field);
    return above && above.dataset.value !== undefined ? above.dataset.value : null;
  }

  function copyAbove(td) {
    var value = valueAbove(td);
    if (value === null) return;
    if (editor) { editor.value = value; return; }
    if (!td.dataset.edit) return;
    if (value !== td.dataset.value) td.textContent = value;
    save(td, value);
  }

  function deleteLine(td) {
    var tr = td.closest("tr[data-line-no]");
    if (!tr) return;
    var list = rows(), i = list.indexOf(tr);
    var target = list[i + 1] || list[i - 1];
    var field = td.dataset.field;
    var lineNo = tr.dataset.lineNo;
    send(lineNo, "DELETE", {}).then(function () {
      if (rowOf(lineNo)) return;  // refused (someone else changed it): the row stays with its message
      if (target && document.contains(target)) focusCell(cellIn(target, field));
      else openNewLine();
    });
  }

  function openNewLine() {
    var g = grid();
    if (!g || !g.dataset.newLineUrl) return;  // viewers cannot add lines
    var existing = g.querySelector("[data-new-contact]");
    if (existing) { existing.focus(); return; }
    var empty = g.querySelector("tr.empty-lines");
    if (empty) empty.remove();
    htmx.ajax("GET", g.dataset.newLineUrl, { source: g, target: "#new-lines", swap: "beforeend" }).then(function () {
      var input = g.querySelector("[data-new-contact]");
      if (input) input.focus();
    });
  }

  function submitNewLine(input) {
    var tr = input.closest("tr");
    if (!input.value.trim()) return;
    htmx.ajax("POST", tr.dataset.url, { source: tr, target: tr, swap: "outerHTML", values: { contact_no: input.value } })
      .then(function () {
        var next = grid().querySelector("[data-new-contact]");
        if (next) next.focus();
      });
  }

  function openShortcuts(message) {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    var note = document.getElementById("shortcut-message");
    if (note) note.textContent = message || "";
    if (!dialog.open) { lastFocus = document.activeElement; dialog.showModal(); }
  }

  function runPageAction(entry) {
    if (entry.action === "shortcuts") return openShortcuts("");
    if (entry.action === "new_line") return openNewLine();
    if (entry.url) { window.location.href = entry.url; return; }
    var dialog = document.getElementById("shortcuts");
    openShortcuts(dialog ? dialog.dataset.pending : "");
  }

  function onKeydown(event) {
    if (!grid() && !document.querySelector("[data-segment-page]")) return;
    var target = event.target;
    var entry = actionOf(event);
    if (document.querySelector("dialog[open]")) return;  // a dialog handles its own keys

    if (target.matches && target.matches("[data-new-contact]")) {
      if (event.key === "Enter") { event.preventDefault(); submitNewLine(target); return; }
      if (event.key === "Escape") {
        event.preventDefault();
        var tr = target.closest("tr");
        tr.remove();
        var list = rows();
        if (list.length) focusCell(cellIn(list[list.length - 1], "contact_no"));
        return;
      }
    }
    if (editor && target === editor) {
      if (entry && entry.action === "commit_down") { event.preventDefault(); return commit(1, 0); }
      if (entry && entry.action === "next_cell") { event.preventDefault(); return commit(0, 1); }
      if (entry && entry.action === "previous_cell") { event.preventDefault(); return commit(0, -1); }
      if (entry && entry.action === "cancel") { event.preventDefault(); return cancel(); }
      if (entry && entry.action === "copy_above") { event.preventDefault(); return copyAbove(editor.closest("td")); }
      if (entry && entry.scope === "page" && entry.action !== "shortcuts") { event.preventDefault(); commit(0, 0); return runPageAction(entry); }
      if (event.key === "F1") { event.preventDefault(); return openShortcuts(""); }
      return;
    }
    var td = target.closest ? target.closest("td[data-field]") : null;
    if (td && td.closest("tr[data-line-no]") && grid().contains(td)) {
      if (entry && entry.action === "move") {
        event.preventDefault();
        var d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
        return move(td, d[0], d[1]);
      }
      if (entry && entry.action === "commit_down") { event.preventDefault(); return move(td, 1, 0); }
      if (entry && entry.action === "next_cell") { event.preventDefault(); return move(td, 0, 1); }
      if (entry && entry.action === "previous_cell") { event.preventDefault(); return move(td, 0, -1); }
      if (entry && entry.action === "edit") { event.preventDefault(); return startEdit(td, null); }
      if (entry && entry.action === "copy_above") { event.preventDefault(); return copyAbove(td); }
      if (entry && entry.action === "delete_line") { event.preventDefault(); return deleteLine(td); }
      if (entry && entry.scope === "page") { event.preventDefault(); return runPageAction(entry); }
      if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey && td.dataset.edit) {
        event.preventDefault();
        var th = headerOf(td.dataset.field);
        return startEdit(td, th && th.dataset.options ? null : event.key);
      }
      return;
    }
    if (!entry || entry.scope !== "page") return;
    if (entry.action === "shortcuts" && event.key === "?" && isTextField(target)) return;
    event.preventDefault();
    runPageAction(entry);
  }

  function restoreFocus() {
    if (reopen) {
      var again = cellIn(rowOf(reopen.line), reopen.field);
      var value = reopen.value;
      reopen = null;
      if (again) { focusCell(again); startEdit(again, value); return; }
    }
    var lost = !document.activeElement || document.activeElement === document.body;
    if (lost && active.line) {
      var cell = activeCell();
      if (cell) focusCell(cell);
    }
  }

  function bind(root) {
    var page = document.querySelector("[data-segment-page]");
    if (page && !keymap.length) {
      keymap = JSON.parse(page.dataset.keymap).map(function (entry) {
        entry.combos = entry.keys.map(parseCombo);
        return entry;
      });
    }
    var g = grid();
    if (g && !g.querySelector('td[tabindex="0"]')) {
      var first = g.querySelector("tr[data-line-no] td[data-field]");
      if (first) first.setAttribute("tabindex", "0");
    }
    // A refused edit: show the message and let the user correct the typed value.
    var rejected = root.querySelector ? root.querySelector("td[data-rejected]") : null;
    if (root.matches && root.matches("td[data-rejected]")) rejected = root;
    if (rejected && !editor) {
      focusCell(rejected);
      startEdit(rejected, rejected.dataset.rejected);
      rejected.removeAttribute("data-rejected");
      return;
    }
    var conflict = root.querySelector ? root.querySelector("td.has-error") : null;
    if (conflict && !editor) { focusCell(conflict); return; }
    var dialog = document.querySelector("dialog[data-open]");
    if (dialog) {
      dialog.removeAttribute("data-open");
      if (!dialog.open) { lastFocus = lastFocus || document.activeElement; dialog.showModal(); }
    }
    restoreFocus();
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusin", function (event) {
    var td = event.target.closest && event.target.closest("td[data-field]");
    if (td && td.closest("tr[data-line-no]") && !editor) {
      active.line = td.closest("tr").dataset.lineNo;
      active.field = td.dataset.field;
    } else if (!td && !event.target.closest("dialog")) {
      lastFocus = event.target;
    }
  });
  document.addEventListener("focusout", function (event) {
    // Leaving an open editor (mouse click elsewhere) saves it, as a spreadsheet does.
    if (editor && event.target === editor) {
      setTimeout(function () { if (editor && document.activeElement !== editor) { var td = editor.closest("td"); var v = editor.value; var same = v === td.dataset.value; closeEditor(same); if (!same) save(td, v); } }, 0);
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    // A refreshed, sorted or filtered grid starts again from its first page: lines added below go too.
    if (target && target.id === "lines-body") {
      document.querySelectorAll("#new-lines tr[data-line-no]").forEach(function (tr) { tr.remove(); });
    }
    if (editor && target && target.contains(editor)) {
      var td = editor.closest("td");
      reopen = { line: td.closest("tr").dataset.lineNo, field: td.dataset.field, value: editor.value };
      editor = null;
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-close-dialog]");
    if (button) {
      var dialog = button.closest("dialog");
      if (dialog) dialog.close();
    }
    if (event.target.closest("[data-open-shortcuts]")) openShortcuts("");
    if (event.target.closest("[data-new-line-button]")) openNewLine();
  });
  document.addEventListener("close", function (event) {
    if (event.target.tagName === "DIALOG" && lastFocus && document.contains(lastFocus)) {
      var back = lastFocus;
      lastFocus = null;
      back.focus();
    }
  }, true);
  // Put the focus back in the same task as the swap, before the next key press can land on <body>.
  // Lines added at the bottom also come back with a later page or a refresh: keep one copy.
  function dedupe() {
    var body = document.getElementById("lines-body");
    if (!body) return;
    document.querySelectorAll("#new-lines tr[data-line-no]").forEach(function (tr) {
      if (body.querySelector("#" + CSS.escape(tr.id))) tr.remove();
    });
  }
  document.addEventListener("htmx:afterSwap", function () { dedupe(); if (!reopen) restoreFocus(); });
  document.addEventListener("htmx:load", function (event) { bind(event.detail.elt); });
  if (document.readyState !== "loading") bind(document); else document.addEventListener("DOMContentLoaded", function () { bind(document); });
})();
