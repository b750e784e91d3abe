"""The Italian catalogue is complete and its compiled form is committed and current."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "segapp/translations/it/LC_MESSAGES/messages.po"
MO = ROOT / "segapp/translations/it/LC_MESSAGES/messages.mo"


def _key(message_id: str | tuple) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_every_string_in_the_code_has_an_italian_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {_key(m.id) for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {
        _key(m.id)
        for m in catalog
        if m.id and m.string and not m.fuzzy and (isinstance(m.string, str) or all(m.string))
    }
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated strings (run `make translations`): {missing[:20]}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with PO.open("rb") as f:
        po = {_key(m.id): m.string for m in read_po(f) if m.id and not m.fuzzy}
    with MO.open("rb") as f:
        # read_mo gives plural forms as a list, read_po as a tuple
        mo = {_key(m.id): tuple(m.string) if isinstance(m.string, list) else m.string for m in read_mo(f) if m.id}
    assert po == mo, "run `make translations` to compile the catalogue"
