"""Yes and no as people type them, in a grid cell or an import file, in English and Italian."""

TRUE_WORDS = frozenset({"1", "x", "yes", "y", "true", "t", "on", "sì", "si", "s", "vero", "v"})
FALSE_WORDS = frozenset({"", "0", "no", "n", "false", "f", "off", "falso"})


def read_yes_no(text: str) -> bool | None:
    """True or False for a yes/no word (any case; blank is no), None for anything else."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
