"""The key map is defined once and reaches the overlay, grid.js and the README."""

import json
import re
from pathlib import Path

from segapp.keymap import KEYMAP, key_label, readme_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_shortcut_is_in_the_overlay_and_in_the_scripts_map(client, login, make_segment) -> None:
    login()
    header = make_segment()
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    match = re.search(r"data-keymap='([^']*)'", page)
    assert match
    scripted = json.loads(match.group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert [entry["action"] for entry in scripted] == [s.action for s in KEYMAP]
    overlay = page[page.index('id="shortcuts"') :]
    for shortcut in KEYMAP:
        for key in shortcut.keys:
            assert f'<kbd data-key="{key}">{key_label(key)}</kbd>' in overlay
    register = [entry for entry in scripted if entry["action"] == "register"][0]
    assert register["url"] == f"/segments/{header.no}/register" and register["dialog"] is True
    assert 'data-shortcut-action="register" aria-keyshortcuts="Alt+Shift+L"' in page


def _readme_table_rows() -> list[tuple[tuple[str, ...], str]]:
    """The README's key table as a reader sees it: (keys, action) per row, read from the file."""
    table = README.read_text(encoding="utf-8").split("| Keys | Action |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines():
        keys, action = (cell.strip() for cell in line.strip().strip("|").split(" | "))
        rows.append((tuple(keys.split(" / ")), action))
    return rows


def test_the_readme_lists_every_key_with_its_action(app) -> None:
    rows = _readme_table_rows()
    with app.test_request_context():
        expected = [(shortcut.keys, str(shortcut.label)) for shortcut in KEYMAP]
    assert [keys for keys, _action in rows] == [keys for keys, _label in expected]
    for (keys, action), (_keys, label) in zip(rows, expected, strict=True):
        assert action.startswith(label), keys
    assert (("Ctrl+Insert", "Alt+Shift+N"), "New line, with its contact no. focused") in rows


def test_the_readme_shows_the_key_map_as_defined(app) -> None:
    with app.test_request_context():
        assert readme_table().strip() in README.read_text(encoding="utf-8")


def test_the_overlay_shows_keys_as_the_users_keyboard_labels_them(client, login, make_segment) -> None:
    login("ugo", language="it")
    header = make_segment()
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    overlay = page[page.index('id="shortcuts"') :]
    for key, label in (
        ("ArrowUp", "↑"),
        ("Escape", "Esc"),
        ("Ctrl+Insert", "Ctrl+Ins"),
        ("Ctrl+Delete", "Ctrl+Canc"),
        ("PageUp", "Pag↑"),
        ("Enter", "Invio"),
        ("Alt+Shift+N", "Alt+Maiusc+N"),
    ):
        assert f'<kbd data-key="{key}">{label}</kbd>' in overlay
    assert "ArrowUp</kbd>" not in overlay and ">Escape<" not in overlay


def test_english_labels_are_the_usual_short_ones(app) -> None:
    with app.test_request_context():
        assert [key_label(k) for k in ("Ctrl+Insert", "Ctrl+Delete", "PageDown", "ArrowLeft", "F8")] == [
            "Ctrl+Ins",
            "Ctrl+Del",
            "PgDn",
            "←",
            "F8",
        ]
