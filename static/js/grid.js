// Keyboard-first segment page (spec 4): the lines grid works like a spreadsheet (the WAI-ARIA data grid
// pattern, with a roving tabindex on the cells) and the page shortcuts come from the key map.
// Attached by data- attributes and re-bound on htmx:load; the server holds the state.
//
// The line requests are made here rather than by hx- attributes, for three reasons: keys typed while a save
// is in flight must land where the user is going (a new line is opened at once, not when the server answers);
// new lines are saved one after the other, in the order typed; and a save that fails (line deleted by someone
// else, signed out, server down) is told at its cell, with the typed text kept for another try.
(function () {
  "use strict";

  // htmx attaches behaviour to swapped-in content when it settles; with the default 20 ms delay a fast
  // key press (Space on a checkbox just saved) would land on an element that does nothing yet.
  if (window.htmx) htmx.config.defaultSettleDelay = 0;

  var HOLD_MS = 500;        // typed-ahead keys stop being dropped after this pause (see holdKeys)
  var TABBABLE = 'a[href]:not([tabindex="-1"]), button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
    'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

  var keymap = [];
  var active = { row: null, field: null };  // the current cell: its row's id and its field
  var editor = null;        // the open cell editor, if any
  var reopen = null;        // an edit to re-open after htmx swapped its row (a refresh of the grid)
  var queues = {};          // one request at a time per line, so that each carries the latest version
  var newLines = Promise.resolve();  // new lines are saved one after the other, in the order typed
  var newCount = 0;
  var lastKeyAt = 0;        // when the last key was pressed (typing ahead of the answers)
  var hold = null;          // keys being dropped after a refusal took the focus: { timer, words }
  var lastFocus = null;     // where to return after a dialog
  var pendingMove = null;   // PageDown past the loaded lines: the row to reach once the next page arrives
  var completion = null;    // the debounce timer of the contact completion
  var asking = null;        // what a question in a dialog is about: { td, typed, isNew }
  var answered = null;      // the button that answered it

  // ---- Key map -------------------------------------------------------------------------------------------

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

  // ---- Rows and cells ------------------------------------------------------------------------------------

  function list(nodes) { return Array.prototype.slice.call(nodes); }
  function grid() { return document.querySelector("[data-grid]"); }
  function rows() { var g = grid(); return g ? list(g.querySelectorAll("tr[data-line-no], tr[data-new-line]")) : []; }
  function rowOf(lineNo) { return document.getElementById("line-" + lineNo); }
  function cellsOf(tr) { return list(tr.querySelectorAll("td[data-field]")); }
  function cellIn(tr, field) { return tr ? tr.querySelector('td[data-field="' + field + '"]') : null; }
  function headerOf(field) { return grid().querySelector('th[data-field="' + field + '"]'); }
  function message(name) { var g = grid(); return (g && g.dataset[name]) || ""; }
  function isTextField(el) { return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)); }
  function freshNewLine() { var g = grid(); return g ? g.querySelector("tr[data-new-line]:not([data-pending])") : null; }

  function focusCell(td) {
    if (!td) return;
    var g = grid();
    if (g) {
      g.querySelectorAll('td[tabindex="0"], td[aria-current]').forEach(function (c) {
        if (c !== td) { c.setAttribute("tabindex", "-1"); c.removeAttribute("aria-current"); }
      });
    }
    td.setAttribute("tabindex", "0");
    td.setAttribute("aria-current", "true");
    var tr = td.closest("tr");
    active.row = tr.id;
    active.field = td.dataset.field;
    td.focus();
  }

  function activeCell() { return cellIn(document.getElementById(active.row), active.field); }

  // Tab from the last cell and Shift+Tab from the first leave the grid, as a spreadsheet in a form does.
  function leaveGrid(direction) {
    var g = grid();
    var all = list(document.querySelectorAll(TABBABLE)).filter(function (el) {
      return !g.contains(el) && !el.closest("dialog:not([open]), template, [hidden]") && el.getClientRects().length > 0;
    });
    var before = all.filter(function (el) { return g.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING; });
    var after = all.filter(function (el) { return g.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING; });
    var target = direction > 0 ? (after[0] || all[0]) : (before[before.length - 1] || all[all.length - 1]);
    if (target) target.focus();
  }

  function moveAcross(td, d) {
    var tr = td.closest("tr");
    var cells = cellsOf(tr), i = cells.indexOf(td) + d;
    if (i >= 0 && i < cells.length) return focusCell(cells[i]);
    var all = rows(), r = all.indexOf(tr) + d;
    if (r >= 0 && r < all.length) {
      var other = cellsOf(all[r]);
      return focusCell(d > 0 ? other[0] : other[other.length - 1]);
    }
    leaveGrid(d);
  }

  function sameField(tr, field) { return cellIn(tr, field) || cellsOf(tr)[0]; }

  function moveTo(index, field) {
    var all = rows();
    if (!all.length) return;
    if (index >= all.length) {
      var more = grid().querySelector("tr.load-more button");
      if (more) { pendingMove = { index: index, field: field }; more.click(); }
      index = all.length - 1;
    }
    focusCell(sameField(all[Math.max(0, index)], field));
  }

  function movePending() {
    var g = grid();
    if (!pendingMove || !g) return;
    var loading = g.querySelector("tr.load-more");
    if (rows().length <= pendingMove.index && loading) {
      // Not there yet: ask for the next page too (a second click while one is on its way does nothing).
      var button = loading.querySelector("button");
      if (button && !loading.classList.contains("htmx-request") && !button.classList.contains("htmx-request")) button.click();
      return;
    }
    var move = pendingMove;
    pendingMove = null;
    moveTo(move.index, move.field);
  }

  function screenful(td) {
    var wrap = td.closest(".grid-wrap");
    var height = wrap && wrap.scrollHeight > wrap.clientHeight ? wrap.clientHeight : window.innerHeight;
    return Math.max(1, Math.floor(height / Math.max(1, td.closest("tr").offsetHeight)) - 2);
  }

  function navigate(td, event, action) {
    var tr = td.closest("tr"), all = rows(), i = all.indexOf(tr), cells = cellsOf(tr);
    if (action === "move") {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        var k = cells.indexOf(td) + (event.key === "ArrowLeft" ? -1 : 1);
        return focusCell(cells[Math.max(0, Math.min(cells.length - 1, k))]);
      }
      return moveTo(Math.max(0, i + (event.key === "ArrowUp" ? -1 : 1)), td.dataset.field);
    }
    if (action === "row_edge") return focusCell(event.key === "Home" ? cells[0] : cells[cells.length - 1]);
    if (action === "grid_edge") {
      var edge = event.key === "Home" ? all[0] : all[all.length - 1];
      var edgeCells = cellsOf(edge);
      return focusCell(event.key === "Home" ? edgeCells[0] : edgeCells[edgeCells.length - 1]);
    }
    if (action === "screenful") {
      var n = screenful(td);
      return moveTo(Math.max(0, i + (event.key === "PageUp" ? -n : n)), td.dataset.field);
    }
  }

  // ---- The WAI-ARIA grid: row indexes and the row count ----------------------------------------------------

  function numberRows() {
    var g = grid();
    if (!g) return;
    var all = rows();
    all.forEach(function (tr, i) { tr.setAttribute("aria-rowindex", String(i + 2)); });
    var total = document.querySelector('[data-total="lines"][data-count]');
    var filter = document.getElementById("lines-filter");
    var unsaved = g.querySelectorAll("tr[data-new-line]").length;
    var count = -1;
    if (total && !(filter && filter.value)) count = parseInt(total.dataset.count, 10) + unsaved + 1;
    else if (!g.querySelector("tr.load-more")) count = all.length + 1;
    g.setAttribute("aria-rowcount", String(count));
  }

  // ---- Cell editor ---------------------------------------------------------------------------------------

  function startEdit(td, text) {
    var tr = td && td.closest("tr");
    if (!td || !td.dataset.edit || editor || tr.classList.contains("line-gone")) return;
    var th = headerOf(td.dataset.field);
    var note = td.querySelector(".cell-error");
    var template = th && th.querySelector("template[data-editor]");
    var field;
    if (template) {
      field = template.content.querySelector("select").cloneNode(true);
    } else {
      field = document.createElement("input");
      field.type = "text";
      field.autocomplete = "off";
      if (th && th.dataset.list) field.setAttribute("list", th.dataset.list);
    }
    field.value = text !== null && text !== undefined ? text : td.dataset.value;
    field.className = "cell-editor";
    if (tr.hasAttribute("data-new-line")) {
      field.id = "new-contact-no";
      field.setAttribute("data-new-contact", "");
      field.setAttribute("aria-label", tr.dataset.label);
    } else {
      field.setAttribute("aria-label", th ? th.textContent.trim() : td.dataset.field);
    }
    td.dataset.original = td.innerHTML;
    td.textContent = "";
    td.appendChild(field);
    if (note) {
      td.appendChild(note);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
    }
    td.classList.add("editing");
    editor = field;
    field.focus();
    if (field.setSelectionRange) field.setSelectionRange(field.value.length, field.value.length);
  }

  function shown(field) {
    return field.tagName === "SELECT" && field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : field.value;
  }

  function closeEditor(restore) {
    if (!editor) return null;
    var td = editor.closest("td");
    var text = shown(editor);
    editor = null;
    if (td) {
      td.classList.remove("editing");
      if (restore) td.innerHTML = td.dataset.original; else td.textContent = text;
      // The message belonged to the value just left behind.
      td.querySelectorAll(".cell-error, [data-contact-choices]").forEach(function (m) { m.remove(); });
      td.classList.remove("has-error");
      td.removeAttribute("aria-invalid");
      td.removeAttribute("aria-describedby");
      delete td.dataset.rejected;
    }
    return td;
  }

  function complete(field) {
    clearTimeout(completion);
    completion = setTimeout(function () {
      var url = grid().dataset.contactOptionsUrl;
      var options = document.getElementById("contact-options");
      if (!url || !options || !field.isConnected) return;
      fetch(url + "?q=" + encodeURIComponent(field.value), { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (html && field.isConnected) options.innerHTML = html; }, function () {});
    }, 200);
  }

  // ---- Requests ------------------------------------------------------------------------------------------

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function setCsrfToken(token) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) meta.content = token;
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
  }

  // Resolves to { status, text }: status 0 when the server does not answer, 401 when signed out.
  function call(verb, url, values, retried) {
    var init = { method: verb, credentials: "same-origin", redirect: "manual", headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() } };
    if (values) init.body = new URLSearchParams(values);
    return fetch(url, init).then(function (response) {
      var fresh = response.headers.get("X-CSRF-Token");
      // Signed in again in another tab: the page's token belongs to the old session; the answer brings a new one.
      if (response.status === 400 && fresh && !retried) { setCsrfToken(fresh); return call(verb, url, values, true); }
      var status = response.type === "opaqueredirect" ? 401 : response.status;
      return response.text().then(function (text) { return { status: status, text: text }; });
    }, function () { return { status: 0, text: "" }; });
  }

  function failure(result) {
    if (result.status === 401) return message("msgSignedOut");
    if (result.status === 0) return message("msgOffline");
    var alert = new DOMParser().parseFromString(result.text || "", "text/html").querySelector("[role=alert]");
    if (alert && alert.textContent.trim()) return alert.textContent.trim();
    return result.status === 404 ? message("msgGone") : message("msgFailed");
  }

  function enqueue(key, task) {
    var next = (queues[key] || Promise.resolve()).then(task).catch(function (error) { console.error(error); });
    queues[key] = next;
    return next;
  }

  function swap(target, html, style) {
    htmx.swap(target, html, { swapStyle: style, swapDelay: 0, settleDelay: 0 });
  }

  // Replace a row by the server's; the cell that had the focus (or an open editor) keeps it in the new row.
  function replaceRow(tr, html) {
    var focused = document.activeElement && tr.contains(document.activeElement) ? document.activeElement.closest("td[data-field]") : null;
    var field = focused ? focused.dataset.field : null;
    var typing = editor && tr.contains(editor) ? { field: editor.closest("td").dataset.field, value: editor.value } : null;
    if (typing) editor = null;
    var next = tr.nextElementSibling, parent = tr.parentNode, oldId = tr.id;
    swap(tr, html, "outerHTML");
    var row = next ? next.previousElementSibling : parent.lastElementChild;
    if (!row || row.tagName !== "TR") return null;
    if (!row.id && row.hasAttribute("data-new-line")) row.id = "new-line-" + (++newCount);
    if (active.row === oldId) active.row = row.id;
    if (typing) {
      var cell = cellIn(row, typing.field);
      focusCell(cell);
      startEdit(cell, typing.value);
    } else if (field) {
      focusCell(cellIn(row, field));
    }
    numberRows();
    return row;
  }

  // ---- When a refusal or a failure takes the focus back ---------------------------------------------------

  function notice(text) {
    var status = document.getElementById("grid-status");
    if (status) status.textContent = text;
  }

  function noteDropped(words) {
    words = words.filter(function (w) { return w; });
    if (words.length) notice(message("msgDropped").replace("%s", words.join(", ")));
  }

  // Keys typed ahead of a refusal belong to what the user meant to do next, which did not happen: they are
  // dropped (and listed) until the user pauses, so that they are never appended to the refused text. Typing
  // ahead is a key pressed after the value was sent (`since`) or, on new lines (numbers typed or scanned one
  // after the other), a stream still going on. A user who waited for the answer types on at once.
  function holdKeys(words, since, stream) {
    words = words.filter(function (w) { return w; });
    var ahead = lastKeyAt > since || (stream && Date.now() - lastKeyAt < HOLD_MS);
    if (!words.length && !ahead) return;
    if (hold) clearTimeout(hold.timer);
    hold = { words: words.length ? words : [""], timer: null };
    grid().setAttribute("data-holding", "");
    noteDropped(hold.words);
    holdTimer();
  }

  function holdTimer() {
    clearTimeout(hold.timer);
    hold.timer = setTimeout(function () { hold = null; var g = grid(); if (g) g.removeAttribute("data-holding"); }, HOLD_MS);
  }

  function heldKey(event) {
    var key = event.key;
    if (key === "Enter" || key === "Tab" && !event.shiftKey) hold.words.push("");
    else if (key === "Backspace") hold.words[hold.words.length - 1] = hold.words[hold.words.length - 1].slice(0, -1);
    else if (key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) hold.words[hold.words.length - 1] += key;
    else return false;  // arrows, Escape, function keys: deliberate, they end the hold
    event.preventDefault();
    noteDropped(hold.words);
    holdTimer();
    return true;
  }

  // A cell that was refused or failed takes the focus, with the user's text for another try.
  function takeFocusBack(td, text, dropped, since, stream) {
    dropped = dropped || [];
    if (editor && !td.contains(editor)) {
      var mine = editor.closest("td"), typed = editor.value, isNew = mine.closest("tr[data-new-line]");
      closeEditor(true);
      if (isNew && !isNew.hasAttribute("data-pending")) { isNew.remove(); numberRows(); }
      if (typed !== (isNew ? "" : mine.dataset.value)) dropped.push(typed);
    }
    var box = td.querySelector("[data-contact-choices]");
    if (box) ask(box);
    else if (!editor) {
      focusCell(td);
      if (text !== null && text !== undefined && td.dataset.edit) startEdit(td, text);
    }
    holdKeys(dropped, since, stream);
  }

  function showAtCell(td, text) {
    td.querySelectorAll(".cell-error").forEach(function (m) { m.remove(); });
    var id = td.closest("tr[data-new-line]") ? "new-contact-error" : "err-" + td.closest("tr").id + "-" + td.dataset.field;
    var span = document.createElement("span");
    span.className = "cell-error";
    span.setAttribute("role", "alert");
    span.id = id;
    span.textContent = text;
    td.appendChild(span);
    td.classList.add("has-error");
    td.setAttribute("aria-invalid", "true");
    td.setAttribute("aria-describedby", id);
  }

  // ---- Saving a cell -------------------------------------------------------------------------------------

  // before: what the cell showed for the value it started from (shown again if the save fails).
  function save(td, value, before, extra) {
    var tr = td.closest("tr");
    if (value === td.dataset.value) return;
    var start = td.dataset.value, field = td.dataset.field, lineNo = tr.dataset.lineNo, since = Date.now();
    td.classList.add("saving");
    // Optimistic until the row comes back, so that F8 below copies what was just typed.
    td.dataset.value = value;
    enqueue(lineNo, function () {
      var row = rowOf(lineNo);
      if (!row) return null;
      // start: the value this edit began from; the server saves only if the field still holds it.
      var values = Object.assign({ field: field, value: value, start: start, version: row.dataset.version }, extra);
      return call("PUT", row.dataset.url, values)
        .then(function (result) { answerEdit(lineNo, field, value, start, before, result, since); });
    });
  }

  function answerEdit(lineNo, field, value, start, before, result, since) {
    var tr = rowOf(lineNo);
    if (!tr) return;
    if (result.status === 200 || result.status === 409 || result.status === 422) {
      var row = replaceRow(tr, result.text);
      var td = row && cellIn(row, field);
      if (td && result.status !== 200) refused(td, since);
      return;
    }
    failed(cellIn(tr, field), value, start, before, failure(result), result.status === 404, since);
  }

  function refused(td, since) {
    var typed = td.dataset.rejected !== undefined ? td.dataset.rejected : null;
    if (openArrivedDialog()) { asking = { td: td, typed: typed, isNew: false }; return holdKeys([], since); }
    takeFocusBack(td, typed, [], since);
  }

  // Not saved: the cell goes back to the value it had (not the optimistic one) and says why, and its editor
  // opens again with the typed text; a line that is gone keeps the text in view but cannot be edited any more.
  function failed(td, value, start, before, text, gone, since) {
    if (!td) return;
    var tr = td.closest("tr");
    if (editor && td.contains(editor)) closeEditor(true);
    td.classList.remove("saving");
    td.dataset.value = start;
    if (gone) {
      td.textContent = value;
      tr.classList.add("line-gone");
      tr.querySelectorAll("td[data-edit]").forEach(function (c) { c.removeAttribute("data-edit"); });
    } else {
      td.innerHTML = before || "";
      td.dataset.rejected = value;
    }
    showAtCell(td, text);
    takeFocusBack(td, gone ? null : value, [], since);
  }

  function commit(dRow, dCol) {
    var td = editor ? editor.closest("td") : null;
    if (!td) return;
    if (td.closest("tr[data-new-line]")) return commitNewLine(dRow ? "down" : dCol > 0 ? "next" : dCol < 0 ? "previous" : "stay");
    var value = editor.value, before = td.dataset.original;
    var unchanged = value === td.dataset.value;
    closeEditor(unchanged);
    if (!unchanged) save(td, value, before);
    if (dRow) moveTo(rows().indexOf(td.closest("tr")) + dRow, td.dataset.field);
    else if (dCol) moveAcross(td, dCol);
    else focusCell(td);
  }

  function cancel() {
    var td = editor ? editor.closest("td") : null;
    if (!td) return;
    var tr = td.closest("tr");
    if (tr.hasAttribute("data-new-line")) return removeNewLine(tr);
    closeEditor(true);
    focusCell(td);
  }

  function valueAbove(td) {
    var all = rows(), tr = td.closest("tr"), i = all.indexOf(tr);
    if (i <= 0) return null;
    var above = cellIn(all[i - 1], td.dataset.field);
    return above && above.dataset.value !== undefined ? above.dataset.value : null;
  }

  function copyAbove(td) {
    var value = valueAbove(td);
    if (value === null) return;
    if (editor) { editor.value = value; return; }
    if (!td.dataset.edit || td.closest("tr[data-new-line]")) return;
    var before = td.innerHTML;
    if (value !== td.dataset.value) td.textContent = value;
    save(td, value, before);
  }

  // ---- New lines -----------------------------------------------------------------------------------------

  function openNewLine() {
    var g = grid(), template = document.getElementById("new-line-template");
    if (!g || !template) return;  // viewers cannot add lines
    var draft = freshNewLine();
    if (draft) {
      // Back to the same draft: its text selected, so that the next number replaces it.
      var cell = cellIn(draft, "contact_no");
      if (!(editor && draft.contains(editor))) {
        if (editor) commit(0, 0);
        focusCell(cell);
        startEdit(cell, draftText(cell));
      }
      if (editor) { editor.focus(); editor.select(); }
      return;
    }
    if (editor) commit(0, 0);
    var empty = g.querySelector("tr.empty-lines");
    if (empty) empty.remove();
    var tr = template.content.firstElementChild.cloneNode(true);
    tr.id = "new-line-" + (++newCount);
    document.getElementById("new-lines").appendChild(tr);
    numberRows();
    var td = cellIn(tr, "contact_no");
    focusCell(td);
    startEdit(td, "");
  }

  function draftText(td) {
    if (td.dataset.rejected !== undefined) return td.dataset.rejected;
    var text = td.firstChild && td.firstChild.nodeType === Node.TEXT_NODE ? td.firstChild.textContent : "";
    return text.trim();
  }

  function removeNewLine(tr) {
    if (editor && tr.contains(editor)) closeEditor(true);
    var all = rows(), i = all.indexOf(tr);
    tr.remove();
    numberRows();
    var above = all[i - 1];
    if (above) return focusCell(cellIn(above, "contact_no"));
    var button = document.querySelector("[data-new-line-button]");
    if (button) button.focus(); else leaveGrid(-1);
  }

  // Enter, Tab or Shift+Tab on a new line: it is saved (after the ones typed before it) and the user moves on
  // at once; Enter opens the next new line, so that what is typed meanwhile lands there.
  function commitNewLine(how) {
    var td = editor.closest("td"), tr = td.closest("tr"), typed = editor.value.trim();
    if (!typed) {
      if (how === "down" || how === "stay") return;
      var all = rows(), above = all[all.indexOf(tr) - 1];
      closeEditor(true);
      tr.remove();
      numberRows();
      if (how === "previous" && above) { var cells = cellsOf(above); return focusCell(cells[cells.length - 1]); }
      return leaveGrid(how === "previous" ? -1 : 1);
    }
    closeEditor(false);
    td.classList.add("saving");
    tr.setAttribute("data-pending", "");
    submitNewLine(tr, typed, {});
    if (how === "down") openNewLine();
    else if (how === "next") moveAcross(td, 1);
    else if (how === "previous") moveAcross(td, -1);
    else focusCell(td);
  }

  function submitNewLine(tr, typed, extra) {
    var values = Object.assign({ contact_no: typed }, extra), since = Date.now();
    newLines = newLines.then(function () {
      if (!tr.isConnected) return null;  // dropped: a line typed before it was refused
      return call("POST", tr.dataset.url, values).then(function (result) { answerNewLine(tr, typed, result, since); });
    }).catch(function (error) { console.error(error); });
  }

  function answerNewLine(tr, typed, result, since) {
    if (!tr.isConnected) return;
    if (result.status === 200) { replaceRow(tr, result.text); return; }
    // Refused, a question, or not saved: the lines typed after it are not sent, and their text is listed.
    var dropped = dropNewLinesAfter(tr);
    var row = tr, td;
    if (result.status === 409 || result.status === 422) {
      row = replaceRow(tr, result.text) || tr;
      td = cellIn(row, "contact_no");
    } else {
      tr.removeAttribute("data-pending");
      td = cellIn(tr, "contact_no");
      td.classList.remove("saving");
      td.textContent = typed;
      td.dataset.rejected = typed;
      showAtCell(td, failure(result));
    }
    // A question in a dialog takes the focus itself; the keys typed after it are dropped all the same.
    if (openArrivedDialog()) {
      asking = { td: td, typed: typed, isNew: true };
      if (editor && !row.contains(editor)) { dropped.push(editor.value); closeEditor(true); }
      holdKeys(dropped, since, true);
    } else {
      takeFocusBack(td, typed, dropped, since, true);
    }
  }

  // The answer to "this contact is already on the segment: add it again?". Yes sends the same line or cell
  // again with allow_existing (recorded on its criteria action); no goes back to the typed text, selected on
  // a new line so that the next number replaces it.
  function answer(yes) {
    var about = asking;
    asking = null;
    if (!about || !about.td.isConnected) return false;
    var td = about.td, tr = td.closest("tr");
    td.querySelectorAll(".cell-error").forEach(function (m) { m.remove(); });
    td.classList.remove("has-error");
    td.removeAttribute("aria-invalid");
    if (about.isNew && yes) {
      td.textContent = about.typed;
      td.classList.add("saving");
      tr.setAttribute("data-pending", "");
      submitNewLine(tr, about.typed, { allow_existing: "1" });
      openNewLine();
    } else if (yes) {
      var before = td.innerHTML;
      td.textContent = about.typed;
      save(td, about.typed, before, { allow_existing: "1" });
      focusCell(td);
    } else {
      focusCell(td);
      startEdit(td, about.typed);
      if (about.isNew && editor) editor.select();
    }
    return true;
  }

  function dropNewLinesAfter(tr) {
    var words = [], after = false;
    rows().forEach(function (other) {
      if (other === tr) { after = true; return; }
      if (!after || !other.hasAttribute("data-new-line")) return;
      if (editor && other.contains(editor)) { words.push(editor.value); editor = null; }
      else words.push(cellIn(other, "contact_no").textContent.trim());
      other.remove();
    });
    numberRows();
    return words;
  }

  // ---- Several contacts match: a list to pick from -------------------------------------------------------

  function options(box) { return list(box.querySelectorAll('[role="option"]')); }

  function ask(box) {
    var current = box.querySelector('[aria-selected="true"]') || options(box)[0];
    choose(box, current);
    var td = box.closest("td");
    if (td) focusCell(td);
    box.focus();
  }

  function choose(box, option) {
    if (!option) return;
    options(box).forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    box.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function pick(box, option) {
    var td = box.closest("td"), tr = td.closest("tr"), no = option.dataset.contactNo;
    box.remove();
    if (tr.hasAttribute("data-new-line")) {
      td.querySelectorAll(".cell-error").forEach(function (m) { m.remove(); });
      td.classList.remove("has-error");
      td.removeAttribute("aria-invalid");
      delete td.dataset.rejected;
      td.textContent = no;
      td.classList.add("saving");
      tr.setAttribute("data-pending", "");
      submitNewLine(tr, no, {});
      return openNewLine();
    }
    td.classList.remove("has-error");
    td.querySelectorAll(".cell-error").forEach(function (m) { m.remove(); });
    td.textContent = no;
    save(td, no);
    focusCell(td);
  }

  function onChoicesKey(event, box) {
    var all = options(box), current = box.querySelector('[aria-selected="true"]'), i = all.indexOf(current);
    var td = box.closest("td");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      return choose(box, all[Math.max(0, Math.min(all.length - 1, i + (event.key === "ArrowDown" ? 1 : -1)))]);
    }
    if (event.key === "Home" || event.key === "End") { event.preventDefault(); return choose(box, event.key === "Home" ? all[0] : all[all.length - 1]); }
    if (event.key === "Enter") { event.preventDefault(); if (current) pick(box, current); return; }
    if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      var typed = td.dataset.rejected || "";
      box.remove();
      focusCell(td);
      return startEdit(td, typed);
    }
  }

  // ---- Deleting a line, and putting it back ---------------------------------------------------------------

  function deleteLine(td) {
    var tr = td.closest("tr[data-line-no]");
    if (!tr) return;
    var all = rows(), i = all.indexOf(tr);
    var target = all[i + 1] || all[i - 1];
    var field = td.dataset.field, lineNo = tr.dataset.lineNo;
    enqueue(lineNo, function () {
      var row = rowOf(lineNo);
      if (!row) return null;
      return call("DELETE", row.dataset.url + "?version=" + encodeURIComponent(row.dataset.version), null).then(function (result) {
        if (result.status === 200) {
          var had = row.contains(document.activeElement) || document.activeElement === document.body;
          swap(row, result.text, "outerHTML");
          numberRows();
          if (had) { if (target && target.isConnected) focusCell(sameField(target, field)); else openNewLine(); }
          undoNotice();
        } else if (result.status === 409) {
          var again = replaceRow(row, result.text);
          if (again) focusCell(cellIn(again, field));
        } else {
          showAtCell(cellIn(row, field), failure(result));
          focusCell(cellIn(row, field));
        }
      });
    });
  }

  function undoNotice() {
    var button = document.querySelector("#grid-status [data-undo-delete]");
    if (!button || button.dataset.timer) return;
    button.dataset.timer = "1";
    setTimeout(function () {
      if (!button.isConnected) return;
      var placeholder = document.getElementById("deleted-" + button.dataset.url.split("/").pop());
      if (placeholder) placeholder.remove();
      var status = button.closest("#grid-status");
      if (status) status.textContent = "";
    }, (parseInt(button.dataset.seconds, 10) || 10) * 1000);
  }

  function undoDelete() {
    var button = document.querySelector("#grid-status [data-undo-delete]");
    if (!button) return false;
    var url = button.dataset.url, field = active.field || "contact_no";
    var placeholder = document.getElementById("deleted-" + url.split("/").pop());
    button.disabled = true;
    call("POST", url, null).then(function (result) {
      if (result.status !== 200) {
        swap(document.body, result.text || "", "none");
        if (!result.text) notice(failure(result));
        return;
      }
      var row;
      if (placeholder && placeholder.isConnected) row = replaceRow(placeholder, result.text);
      else {
        var body = document.getElementById("lines-body");
        swap(body, result.text, "beforeend");
        row = body.lastElementChild;
      }
      numberRows();
      if (row) focusCell(sameField(row, field));
    });
    return true;
  }

  // ---- Why is this contact here ---------------------------------------------------------------------------

  // The action that brought the line in, in plain words, said in the grid's status line; the focus stays.
  function whyHere(td) {
    var tr = td && td.closest("tr[data-line-no]");
    var entry = keymap.filter(function (e) { return e.action === "why_here"; })[0];
    if (!tr || !entry || !entry.url) return;
    htmx.ajax("GET", entry.url + "?line=" + encodeURIComponent(tr.dataset.lineNo), { target: "#grid-status", swap: "innerHTML" });
  }

  // ---- The line's letter --------------------------------------------------------------------------------

  // Its dialog (personal text, download, upload, preview) arrives in the dialog slot and opens itself; the focus
  // comes back to this cell when it closes.
  function lineLetter(td) {
    var tr = td && td.closest("tr[data-line-no]");
    var entry = keymap.filter(function (e) { return e.action === "line_letter"; })[0];
    if (!tr || !entry || !entry.url) return;
    lastFocus = td;
    htmx.ajax("GET", entry.url + "?line=" + encodeURIComponent(tr.dataset.lineNo), { target: "#letter-dialog", swap: "outerHTML" });
  }

  // ---- Page actions --------------------------------------------------------------------------------------

  function goToHeader() {
    var fields = list(document.querySelectorAll('.segment-header [id^="h-"]')).filter(function (f) {
      return !f.disabled && !f.readOnly;
    });
    var first = fields[0];
    if (!first) return;
    var section = first.closest("details");
    if (section && !section.open) section.open = true;
    first.focus();
  }

  function openShortcuts(text) {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    var note = document.getElementById("shortcut-message");
    if (note) note.textContent = text || "";
    if (!dialog.open) { lastFocus = document.activeElement; dialog.showModal(); }
  }

  function runPageAction(entry) {
    if (entry.action === "shortcuts") return openShortcuts("");
    if (entry.action === "new_line") return openNewLine();
    if (entry.action === "go_to_header") return goToHeader();
    if (entry.action === "undo_delete") return undoDelete();
    // A page action that opens in place: its button on the page loads the dialog (and the focus comes back here).
    var button = entry.dialog ? document.querySelector('[data-shortcut-action="' + entry.action + '"]') : null;
    if (button) { lastFocus = document.activeElement; button.click(); return; }
    if (entry.url) { window.location.href = entry.url; return; }
    var dialog = document.getElementById("shortcuts");
    openShortcuts(dialog ? dialog.dataset.pending : "");
  }

  // ---- Keys ----------------------------------------------------------------------------------------------

  function onEditorKey(event, entry) {
    var action = entry && entry.action;
    if (action === "commit_down") { event.preventDefault(); return commit(1, 0); }
    if (action === "next_cell") { event.preventDefault(); return commit(0, 1); }
    if (action === "previous_cell") { event.preventDefault(); return commit(0, -1); }
    if (action === "cancel") { event.preventDefault(); return cancel(); }
    if (action === "copy_above") { event.preventDefault(); return copyAbove(editor.closest("td")); }
    if (action === "undo_delete") return;  // Ctrl+Z in a text field undoes the typing
    if (entry && entry.scope === "page" && action !== "shortcuts") {
      event.preventDefault();
      if (editor.hasAttribute("data-new-contact")) {
        if (action === "new_line") { editor.select(); return; }
        closeEditor(false);  // the draft stays; Ctrl+Insert comes back to it
      } else {
        commit(0, 0);
      }
      return runPageAction(entry);
    }
    if (event.key === "F1") { event.preventDefault(); return openShortcuts(""); }
  }

  function onCellKey(event, entry, td) {
    var action = entry && entry.action;
    if (action === "move" || action === "row_edge" || action === "grid_edge" || action === "screenful") {
      event.preventDefault();
      return navigate(td, event, action);
    }
    if (action === "commit_down") { event.preventDefault(); return moveTo(rows().indexOf(td.closest("tr")) + 1, td.dataset.field); }
    if (action === "next_cell") { event.preventDefault(); return moveAcross(td, 1); }
    if (action === "previous_cell") { event.preventDefault(); return moveAcross(td, -1); }
    if (action === "edit") { event.preventDefault(); return startEdit(td, td.dataset.rejected !== undefined ? td.dataset.rejected : null); }
    if (action === "copy_above") { event.preventDefault(); return copyAbove(td); }
    if (action === "delete_line") { event.preventDefault(); return deleteLine(td); }
    if (action === "why_here") { event.preventDefault(); return whyHere(td); }
    if (action === "line_letter") { event.preventDefault(); return lineLetter(td); }
    if (entry && entry.scope === "page") { event.preventDefault(); return runPageAction(entry); }
    if (event.key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey && td.dataset.edit) {
      event.preventDefault();
      var th = headerOf(td.dataset.field);
      return startEdit(td, th && th.querySelector("template[data-editor]") ? null : event.key);
    }
  }

  function onKeydown(event) {
    if (!document.querySelector("[data-segment-page]")) return;
    if (/^(Shift|Control|Alt|Meta)$/.test(event.key)) return;
    var target = event.target;
    if (hold && heldKey(event)) return;
    if (hold) { clearTimeout(hold.timer); hold = null; grid().removeAttribute("data-holding"); }
    lastKeyAt = Date.now();
    if (document.querySelector("dialog[open]")) return;  // a dialog handles its own keys
    var entry = actionOf(event);
    var box = target.closest && target.closest("[data-contact-choices]");
    if (box) return onChoicesKey(event, box);
    if (editor && target === editor) return onEditorKey(event, entry);
    var td = target.closest ? target.closest("td[data-field]") : null;
    if (td && grid() && grid().contains(td)) return onCellKey(event, entry, td);
    if (!entry || entry.scope !== "page") return;
    if ((entry.action === "shortcuts" && event.key === "?" || entry.action === "undo_delete") && isTextField(target)) return;
    if (entry.action === "undo_delete" && !document.querySelector("#grid-status [data-undo-delete]")) return;
    event.preventDefault();
    runPageAction(entry);
  }

  // ---- Binding -------------------------------------------------------------------------------------------

  function restoreFocus() {
    if (reopen) {
      var again = cellIn(document.getElementById(reopen.row), reopen.field);
      var value = reopen.value;
      reopen = null;
      if (again) { focusCell(again); startEdit(again, value); return; }
    }
    var lost = !document.activeElement || document.activeElement === document.body;
    if (lost && active.row) {
      // The current line may have gone (a criteria action removed it): then the grid's first cell.
      var cell = activeCell() || grid().querySelector("tr[data-line-no] td[data-field]");
      if (cell) focusCell(cell);
    }
  }

  // A new page opens with the focus where the work is: the first empty header field of a segment without
  // lines, else the grid's first cell.
  function initialFocus() {
    if (document.activeElement && document.activeElement !== document.body) return;
    var g = grid();
    var first = g && g.querySelector("tr[data-line-no] td[data-field]");
    if (first) return focusCell(first);
    var empty = list(document.querySelectorAll('.segment-header [id^="h-"]')).filter(function (f) {
      return !f.disabled && !f.readOnly && f.type !== "checkbox" && !f.value;
    })[0];
    if (empty) empty.focus();
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
    numberRows();
    undoNotice();
    openArrivedDialog();
  }

  // A dialog sent by the server (data-open) opens as it arrives; the focus comes back when it closes.
  function openArrivedDialog() {
    var dialog = document.querySelector("dialog[data-open]");
    if (dialog) {
      dialog.removeAttribute("data-open");
      if (!dialog.open) { lastFocus = lastFocus || document.activeElement; dialog.showModal(); }
    }
    return document.querySelector("dialog[open]");
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusin", function (event) {
    var td = event.target.closest && event.target.closest("td[data-field]");
    if (td && grid() && grid().contains(td) && !editor) {
      active.row = td.closest("tr").id;
      active.field = td.dataset.field;
    } else if (!td && !event.target.closest("dialog")) {
      lastFocus = event.target;
    }
  });
  document.addEventListener("focusout", function (event) {
    // Leaving an open editor (a click elsewhere) saves it, as a spreadsheet does; a new line keeps its draft.
    if (!editor || event.target !== editor) return;
    setTimeout(function () {
      if (!editor || document.activeElement === editor || event.target !== editor) return;
      var td = editor.closest("td");
      if (td.closest("tr[data-new-line]")) { closeEditor(false); return; }
      var value = editor.value, same = value === td.dataset.value;
      closeEditor(same);
      if (!same) save(td, value);
    }, 0);
  });
  document.addEventListener("input", function (event) {
    if (editor && event.target === editor && editor.closest('td[data-field="contact_no"]')) complete(editor);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    // A refreshed, sorted or filtered grid starts again from its first page: lines added below go too.
    if (target && target.id === "lines-body") {
      document.querySelectorAll("#new-lines tr[data-line-no]").forEach(function (tr) { tr.remove(); });
    }
    if (editor && target && target.contains(editor)) {
      var td = editor.closest("td");
      reopen = { row: td.closest("tr").id, field: td.dataset.field, value: editor.value };
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
    if (event.target.closest("[data-undo-delete]")) undoDelete();
    if (event.target.closest("[data-why-line]")) whyHere(activeCell() || (grid() && grid().querySelector("tr[data-line-no] td[data-field]")));
    if (event.target.closest("[data-line-letter]")) lineLetter(activeCell() || (grid() && grid().querySelector("tr[data-line-no] td[data-field]")));
    var choice = event.target.closest("dialog [data-answer]");
    if (choice) { answered = choice; choice.closest("dialog").close(); }
    var option = event.target.closest("[data-contact-choices] [role=option]");
    if (option) pick(option.closest("[data-contact-choices]"), option);
  });
  document.addEventListener("close", function (event) {
    if (event.target.tagName !== "DIALOG") return;
    var yes = answered && event.target.contains(answered) && answered.dataset.answer === "yes";
    answered = null;
    if (asking && event.target.querySelector("[data-answer]") && answer(yes)) { lastFocus = null; return; }
    if (lastFocus && !document.contains(lastFocus) && lastFocus.matches("td[data-field]")) {
      // The row was swapped while the dialog was open (its letter changed): the same cell of the new row.
      var again = cellIn(document.getElementById(lastFocus.closest("tr").id), lastFocus.dataset.field);
      lastFocus = null;
      if (again) focusCell(again);
      return;
    }
    if (lastFocus && document.contains(lastFocus)) {
      var back = lastFocus;
      lastFocus = null;
      back.focus();
    }
  }, true);
  // Lines added at the bottom also come back with a later page or a refresh: keep one copy.
  function dedupe() {
    var body = document.getElementById("lines-body");
    if (!body) return;
    document.querySelectorAll("#new-lines tr[data-line-no]").forEach(function (tr) {
      if (body.querySelector("#" + CSS.escape(tr.id))) tr.remove();
    });
  }
  // Put the focus back in the same task as the swap, before the next key press can land on <body>.
  document.addEventListener("htmx:afterSwap", function () { dedupe(); restoreFocus(); numberRows(); });
  // Once settled, a new "load more" row works: a PageDown past the loaded lines may need it.
  document.addEventListener("htmx:afterSettle", movePending);
  document.addEventListener("htmx:load", function (event) { bind(event.detail.elt); });
  function start() { bind(document); initialFocus(); }
  if (document.readyState !== "loading") start(); else document.addEventListener("DOMContentLoaded", start);
})();
