"""segapp's message catalogue read directly, for modules that take the locale as an argument.

The pages translate through Flask-Babel, which follows the request. Modules that need no app
(typed dates, filter expressions) are told the locale instead and read the same compiled
catalogue here, so their messages and the words they accept come from one place.
"""

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
SOURCE_LOCALE = "en"


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark ``message`` for extraction; it is translated where it is shown, for that locale."""
    return message


@cache
def locales() -> tuple[str, ...]:
    """The languages segapp speaks: the source language and every compiled catalogue."""
    found = sorted(path.parent.parent.name for path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.mo"))
    return (SOURCE_LOCALE, *[name for name in found if name != SOURCE_LOCALE])


def language(locale: object) -> str:
    """The language of ``locale`` (``"it"``, ``"it_IT"``, ``"it-IT"`` or a Babel ``Locale``), or the source one."""
    name = str(locale or "").replace("-", "_").split("_")[0].lower()
    return name if name in locales() else SOURCE_LOCALE


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale`` (the source language translates to itself)."""
    name = language(locale)
    if name == SOURCE_LOCALE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [name])


def translate(locale: object, message: str, /, **params: object) -> str:
    """``message`` in the language of ``locale``, with ``%(name)s`` placeholders filled in."""
    text = translations(language(locale)).gettext(message)
    return text % params if params else text


def in_every_language(message: str) -> list[str]:
    """``message`` as every language segapp speaks writes it (source first, no repeats)."""
    words = [translate(name, message) for name in locales()]
    return list(dict.fromkeys(words))
