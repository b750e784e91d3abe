"""The keyboard map of the segment page (spec 4), defined once: the overlay, the README and grid.js read it."""

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


@dataclass(frozen=True)
class Shortcut:
    """One action with its key combinations; ``endpoint`` names the page it opens, when it exists, and
    ``dialog`` says that page opens in place, as a dialog loaded by its button on the page; ``button`` is
    the shorter caption of that button on the page's toolbar (the overlay keeps the whole label)."""

    action: str
    keys: tuple[str, ...]
    label: Any
    scope: str  # "grid" (a cell has the focus), "page" (anywhere on the segment page), "dialog" (a criteria dialog)
    endpoint: str = ""
    dialog: bool = False
    button: Any = None

    @property
    def button_label(self) -> Any:
        """The caption of the action's button on the segment page."""
        return self.button or self.label


# Combinations are written Ctrl/Alt/Shift + the KeyboardEvent.key (a letter means that physical key).
# Chromium and Firefox keep Ctrl+N, Ctrl+T, Ctrl+W, Ctrl+L and Alt+letter (menus) for themselves,
# hence Alt+Shift+letter for the page actions and Ctrl+Insert/Alt+Shift+N for a new line.
KEYMAP: tuple[Shortcut, ...] = (
    Shortcut("move", ("ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"), _l("Move between cells and rows"), "grid"),
    Shortcut("row_edge", ("Home", "End"), _l("First or last cell of the row"), "grid"),
    Shortcut("grid_edge", ("Ctrl+Home", "Ctrl+End"), _l("First or last cell of the grid"), "grid"),
    Shortcut("screenful", ("PageUp", "PageDown"), _l("A screenful up or down (loading more lines)"), "grid"),
    Shortcut("edit", ("F2",), _l("Edit the cell (or just start typing)"), "grid"),
    Shortcut("commit_down", ("Enter",), _l("Save the cell and move down"), "grid"),
    Shortcut("next_cell", ("Tab",), _l("Save and move to the next cell (from the last one, leave the grid)"), "grid"),
    Shortcut(
        "previous_cell",
        ("Shift+Tab",),
        _l("Save and move to the previous cell (from the first one, leave the grid)"),
        "grid",
    ),
    Shortcut("cancel", ("Escape",), _l("Cancel the edit"), "grid"),
    Shortcut("new_line", ("Ctrl+Insert", "Alt+Shift+N"), _l("New line, with its contact no. focused"), "page"),
    Shortcut("copy_above", ("F8",), _l("Copy the value of the cell above"), "grid"),
    Shortcut(
        "why_here",
        ("Alt+Shift+W",),
        _l("Why is this contact here: the action that brought the line in"),
        "grid",
        "criteria.why_line",
    ),
    Shortcut(
        "line_letter",
        ("Alt+Shift+D",),
        _l("The line's letter: personal text, download, upload as personalised, preview"),
        "grid",
        "segments.line_letter",
    ),
    Shortcut("delete_line", ("Ctrl+Delete",), _l("Delete the line"), "grid"),
    Shortcut("undo_delete", ("Ctrl+Z",), _l("Put back the line just deleted (outside a text field)"), "page"),
    Shortcut("go_to_header", ("Alt+Shift+H",), _l("Go to the header's first field"), "page"),
    Shortcut("add_contacts", ("Alt+Shift+A",), _l("Add contacts"), "page", "criteria.add_contacts", True),
    Shortcut("reduce_contacts", ("Alt+Shift+R",), _l("Reduce contacts"), "page", "criteria.reduce_contacts", True),
    Shortcut("refine_contacts", ("Alt+Shift+F",), _l("Refine contacts"), "page", "criteria.refine_contacts", True),
    Shortcut(
        "go_back",
        ("Alt+Shift+B",),
        _l("Go back (undo the last criteria action)"),
        "page",
        "criteria.go_back",
        button=_l("Go back"),
    ),
    Shortcut(
        "reuse_segment",
        ("Alt+Shift+U",),
        _l("Reuse segment: append the contacts of a registered segment"),
        "page",
        "registering.reuse_segment_view",
        button=_l("Reuse segment"),
    ),
    Shortcut(
        "register",
        ("Alt+Shift+L",),
        _l("Register the segment"),
        "page",
        "registering.register_segment",
        True,
        _l("Register"),
    ),
    Shortcut("shortcuts", ("F1", "?"), _l("Show every shortcut (? outside a text field)"), "page"),
    Shortcut("criteria_tabs", ("ArrowLeft", "ArrowRight"), _l("Criteria dialog: previous or next table tab"), "dialog"),
    Shortcut("criteria_add_field", ("Alt+Shift+E",), _l("Criteria dialog: add a field to the table"), "dialog"),
    Shortcut("criteria_add_group", ("Alt+Shift+O",), _l("Criteria dialog: or… another filter group"), "dialog"),
    Shortcut("criteria_apply", ("Ctrl+Enter",), _l("Criteria dialog: apply"), "dialog"),
    Shortcut("criteria_close", ("Escape",), _l("Criteria dialog: close without applying"), "dialog"),
)


# How the keys read on the user's keyboard (an Italian one says Canc, Ins, Pag↑, Invio, Maiusc); the map
# itself, grid.js and the README use the KeyboardEvent names above. A key not listed reads as its name.
KEY_LABELS: dict[str, Any] = {
    "ArrowUp": "↑",
    "ArrowDown": "↓",
    "ArrowLeft": "←",
    "ArrowRight": "→",
    "Escape": "Esc",
    "Ctrl": lazy_pgettext("keyboard key", "Ctrl"),
    "Shift": lazy_pgettext("keyboard key", "Shift"),
    "Enter": lazy_pgettext("keyboard key", "Enter"),
    "Insert": lazy_pgettext("keyboard key", "Ins"),
    "Delete": lazy_pgettext("keyboard key", "Del"),
    "Home": lazy_pgettext("keyboard key", "Home"),
    "End": lazy_pgettext("keyboard key", "End"),
    "PageUp": lazy_pgettext("keyboard key", "PgUp"),
    "PageDown": lazy_pgettext("keyboard key", "PgDn"),
}


def key_label(combination: str) -> str:
    """A combination as the user's keyboard labels it: ``Ctrl+Insert`` reads ``Ctrl+Ins`` (Italian ``Ctrl+Ins``)."""
    return "+".join(str(KEY_LABELS.get(key, key)) for key in combination.split("+"))


def available(shortcut: Shortcut) -> bool:
    """True when the shortcut's page exists (the overlay marks the others "not available yet")."""
    return not shortcut.endpoint or shortcut.endpoint in current_app.view_functions


def action_url(shortcut: Shortcut, segment_no: str) -> str:
    """The URL a page action opens for this segment, or "" when it does not exist yet."""
    if not shortcut.endpoint or not available(shortcut):
        return ""
    return url_for(shortcut.endpoint, segment_no=segment_no)


def keymap_for_js(segment_no: str) -> list[dict[str, Any]]:
    """The map as grid.js reads it from a data attribute."""
    return [
        {
            "action": s.action,
            "keys": list(s.keys),
            "scope": s.scope,
            "url": action_url(s, segment_no),
            "dialog": s.dialog,
        }
        for s in KEYMAP
    ]


def readme_table() -> str:
    """The key map as a Markdown table, for the README."""
    rows = ["| Keys | Action |", "|---|---|"]
    for s in KEYMAP:
        rows.append(f"| {' / '.join(s.keys)} | {s.label} |")
    return "\n".join(rows)
