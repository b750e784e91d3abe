"""Word's field switches, formatted by segapp: `\\@` dates, `\\#` numbers, `\\*` text case, `\\b` and `\\f`.

docx-mailmerge2 ignores switches for text values and misreads locale and negative-number pictures, so the
merge hands it values already formatted here, in the letter's locale ("en" or "it").
"""

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
}
DAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica".split(),
}
# (thousands, decimal) separators of the letter
SEPARATORS = {"en": (",", "."), "it": (".", ",")}

# A field code's tokens: a quoted text (Word escapes a quote inside as \"), a switch, or a bare word.
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\\[#@*bfmv!])|(\S+)')
_DATE_PART = re.compile(r"'[^']*'|dddd|ddd|dd|d|MMMM|MMM|MM|M|yyyy|yy|HH|H|hh|h|mm|m|ss|s|am/pm|AM/PM", re.I)


class Token(NamedTuple):
    """One token of a field code: its text, and whether it was quoted or a switch."""

    text: str
    quoted: bool = False
    switch: bool = False


def tokens(code: str) -> list[Token]:
    """The tokens of a field code, as Word reads them."""
    found = []
    for match in _TOKEN.finditer(code):
        quoted, switch, bare = match.groups()
        if quoted is not None:
            found.append(Token(re.sub(r"\\(.)", r"\1", quoted), quoted=True))
        elif switch is not None:
            found.append(Token(switch, switch=True))
        elif bare.startswith("\\") and len(bare) > 2 and bare[1] in "#@*bf":
            # a switch written without a space before its argument: \*Upper, \#0.00
            found.extend([Token(bare[:2], switch=True), Token(bare[2:])])
        else:
            found.append(Token(bare))
    return found


def switches(field_tokens: list[Token]) -> list[tuple[str, str]]:
    """The (switch, argument) pairs among a field code's tokens."""
    pairs = []
    rest = iter(field_tokens)
    for token in rest:
        if token.switch:
            argument = next(rest, Token(""))
            pairs.append((token.text, argument.text))
    return pairs


def format_value(value: str, pairs: list[tuple[str, str]], locale: str = "en") -> str:
    """A merge value formatted by its field's switches, as Word shows it in the letter's language."""
    before = after = ""
    for switch, argument in pairs:
        if switch == "\\@" and value:
            value = format_date(value, argument, locale)
        elif switch == "\\#" and value:
            value = format_number(value, argument, locale)
        elif switch == "\\*":
            value = format_text(value, argument)
        elif switch == "\\b":
            before = argument
        elif switch == "\\f":
            after = argument
    return f"{before}{value}{after}" if value else value


def format_text(value: str, option: str) -> str:
    """The `\\*` text switches; MERGEFORMAT and the ones segapp does not know leave the value as it is."""
    option = option.lower()
    if option == "upper":
        return value.upper()
    if option == "lower":
        return value.lower()
    if option == "firstcap":
        return value[:1].upper() + value[1:]
    if option == "caps":
        return re.sub(r"\w+", lambda word: word[0][:1].upper() + word[0][1:].lower(), value)
    return value


def parse_date(value: str) -> datetime | None:
    """An ISO date or date and time ("2026-11-28", "2026-11-28 10:30"), or None."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(text[:10]), datetime.min.time()) if len(text) == 10 else None
    except ValueError:
        return None


def format_date(value: str, picture: str, locale: str = "en") -> str:
    """A `\\@` date picture (dd/MM/yyyy, d MMMM yyyy, ...); a value that is not a date stays as it is."""
    moment = parse_date(value)
    if moment is None:
        return value
    months, days = MONTHS.get(locale, MONTHS["en"]), DAYS.get(locale, DAYS["en"])

    def part(match: re.Match[str]) -> str:
        code = match[0]
        if code.startswith("'"):
            return code[1:-1]
        hour12 = moment.hour % 12 or 12
        table = {
            "d": str(moment.day),
            "dd": f"{moment.day:02}",
            "ddd": days[moment.weekday()][:3],
            "dddd": days[moment.weekday()],
            "M": str(moment.month),
            "MM": f"{moment.month:02}",
            "MMM": months[moment.month - 1][:3],
            "MMMM": months[moment.month - 1],
            "yy": f"{moment.year % 100:02}",
            "yyyy": str(moment.year),
            "H": str(moment.hour),
            "HH": f"{moment.hour:02}",
            "h": str(hour12),
            "hh": f"{hour12:02}",
            "m": str(moment.minute),
            "mm": f"{moment.minute:02}",
            "s": str(moment.second),
            "ss": f"{moment.second:02}",
            "am/pm": "am" if moment.hour < 12 else "pm",
            "AM/PM": "AM" if moment.hour < 12 else "PM",
        }
        # Word reads d, y and am/pm in any case, M (month) against m (minute) by case
        return table.get(code) or table.get(code.lower()) or table.get(code.replace("D", "d").replace("Y", "y"), code)

    return _DATE_PART.sub(part, picture)


def parse_number(value: str) -> Decimal | None:
    """A number as the values carry it ("1234.5", "-3"), or None."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _picture_separators(picture: str) -> tuple[str, str]:
    """(thousands, decimal) as the picture's author wrote them: Word reads pictures in its own locale."""
    marks = [char for char in picture if char in ".,"]
    if not marks:
        return ",", "."
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        return ("," if decimal_mark == "." else "."), decimal_mark
    mark = marks[0]
    other = "," if mark == "." else "."
    if len(marks) > 1:
        return mark, other
    # one mark: a thousands mark stands between # and three digit places ("#,##0", "#.##0")
    grouped = re.search(r"#" + re.escape(mark) + r"[#0]{3}(?![#0])", picture)
    return (mark, other) if grouped else (other, mark)


def _sections(picture: str) -> Iterator[str]:
    """The positive; negative; zero sections of a number picture (a ; inside quotes is text)."""
    section = ""
    quoted = False
    for char in picture:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            yield section
            section = ""
        else:
            section += char
    yield section


def format_number(value: str, picture: str, locale: str = "en") -> str:
    """A `\\#` number picture ("#,##0.00", "#.##0,00", "0.00;(0.00)", "€ #,##0"); a non-number stays as it is."""
    number = parse_number(value)
    if number is None:
        return value
    sections = list(_sections(picture))
    section = sections[0]
    sign = "-" if number < 0 else ""
    if number < 0 and len(sections) > 1 and sections[1]:
        section, sign = sections[1], ""
    if number == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    thousands_in, decimal_in = _picture_separators(section)
    thousands_out, decimal_out = SEPARATORS.get(locale, SEPARATORS["en"])
    match = re.search(r"[#0x" + re.escape(thousands_in + decimal_in) + r"]*[#0x]", section)
    if match is None:
        return section.replace("'", "")
    places = match[0]
    integer_part, _, decimal_part = places.partition(decimal_in)
    decimals = len(re.sub(r"[^#0x]", "", decimal_part))
    rounded = abs(number).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    min_digits = integer_part.count("0")
    whole = whole.lstrip("0").rjust(min_digits, "0") if min_digits or whole != "0" else ""
    if thousands_in in integer_part:
        whole = f"{int(whole or 0):,}".replace(",", thousands_out) if whole else ""
    # decimal places written # are shown only where they are not trailing zeros
    optional = len(re.sub(r"[^#]", "", decimal_part))
    if optional:
        kept = len(fraction) - optional
        fraction = fraction[:kept] + fraction[kept:].rstrip("0")
    text = whole + (decimal_out + fraction if fraction else "")
    prefix = section[: match.start()].replace("'", "")
    suffix = section[match.end() :].replace("'", "")
    if sign and prefix.endswith(("-", "(")):
        sign = ""
    return f"{prefix}{sign}{text}{suffix}"
