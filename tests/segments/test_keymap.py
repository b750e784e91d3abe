"""The key map is defined once and reaches the overlay, grid.js and the README."""

import json
import re

from segapp.keymap import KEYMAP, readme_table


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
            assert f"<kbd>{key}</kbd>" in overlay
    pending = [entry for entry in scripted if entry["action"] == "add_contacts"][0]
    assert pending["url"] == "" and "not available yet" in overlay


def test_the_readme_table_lists_every_key(app) -> None:
    table = readme_table()
    for shortcut in KEYMAP:
        assert " / ".join(shortcut.keys) in table
    assert "Ctrl+Insert / Alt+Shift+N" in table


def test_the_readme_shows_the_key_map_as_defined(app) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    with app.test_request_context():
        assert readme_table().strip() in readme
