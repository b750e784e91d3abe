"""Texts that scripts show come from the page, in the user's language, never from the script."""

from pathlib import Path

STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


def test_the_error_texts_of_app_js_come_translated_from_the_page(client, login) -> None:
    login("anna", language="it")
    page = client.get("/").get_data(as_text=True)
    flash = page[page.index('id="flash"') :].split(">", 1)[0]
    assert 'data-error="Errore"' in flash and 'data-no-answer="Il server non risponde."' in flash
    script = (STATIC_JS / "app.js").read_text(encoding="utf-8")
    assert "dataset.error" in script and "dataset.noAnswer" in script
    assert "Errore" not in script and "risponde" not in script
