"""Guess which contact field each column of an import file holds (pure: no app, no database)."""

import re
import unicodedata

# Contact fields an import may fill, in the order the mapping page lists them.
IMPORT_FIELDS: tuple[str, ...] = (
    "no",
    "type",
    "name",
    "first_name",
    "middle_name",
    "surname",
    "title",
    "salutation_code",
    "company_no",
    "company_name",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_code",
    "territory_code",
    "salesperson_code",
    "language_code",
    "correspondence_type",
    "email",
    "phone",
    "mobile",
    "job_title",
    "exclude_from_segment",
    "privacy_blocked",
    "email_opt_out",
)

# Per field, header spellings from best to worst: rank 0 beats rank 1 and so on, so that
# Outlook's "Business Street" wins over "Home Street" whatever their order in the file.
_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "no": (
        (
            "no",
            "no.",
            "contact no",
            "contact no.",
            "contact number",
            "number",
            "n.",
            "nr",
            "numero",
            "n contatto",
            "nr contatto",
            "numero contatto",
            "codice contatto",
            "contact id",
            "id contatto",
        ),
    ),
    "type": (("type", "contact type", "tipo", "tipo contatto", "kind"),),
    "name": (
        (
            "name",
            "full name",
            "display name",
            "contact name",
            "nominativo",
            "nome completo",
            "nome e cognome",
            "denominazione",
            "nome contatto",
        ),
        ("file as",),
    ),
    "first_name": (("first name", "given name", "firstname", "forename", "nome", "nome di battesimo", "nome proprio"),),
    "middle_name": (("middle name", "additional name", "secondo nome", "altro nome", "middle"),),
    "surname": (("surname", "last name", "family name", "lastname", "cognome"),),
    "title": (("title", "name prefix", "titolo", "prefix", "titolo di cortesia"),),
    "salutation_code": (
        (
            "salutation code",
            "salutation",
            "codice saluto",
            "saluto",
            "formula di saluto",
            "codice formula saluto",
            "codice formula di saluto",
        ),
    ),
    "company_no": (
        (
            "company no",
            "company no.",
            "company number",
            "n azienda",
            "numero azienda",
            "codice azienda",
            "company id",
            "n societa",
            "nr societa",
            "numero societa",
        ),
    ),
    "company_name": (
        (
            "company name",
            "company",
            "organization 1 name",
            "organization name",
            "organisation name",
            "organization",
            "organisation",
            "ragione sociale",
            "azienda",
            "societa",
            "nome azienda",
            "ditta",
            "impresa",
            "nome societa",
            "employer",
        ),
    ),
    "address": (
        (
            "address",
            "street",
            "business street",
            "address 1 street",
            "address line 1",
            "address 1",
            "street address",
            "indirizzo",
            "via",
            "indirizzo 1",
            "indirizzo riga 1",
        ),
        ("home street", "other street", "address 1 formatted"),
    ),
    "address_2": (
        (
            "address 2",
            "address line 2",
            "business street 2",
            "address 1 extended address",
            "street 2",
            "indirizzo 2",
            "indirizzo riga 2",
            "presso",
        ),
        ("home street 2",),
    ),
    "post_code": (
        (
            "post code",
            "postcode",
            "postal code",
            "zip",
            "zip code",
            "zipcode",
            "business postal code",
            "address 1 postal code",
            "cap",
            "codice postale",
            "codice avviamento postale",
        ),
        ("home postal code", "other postal code"),
    ),
    "city": (
        ("city", "town", "business city", "address 1 city", "citta", "comune", "localita", "paese citta"),
        ("home city", "other city"),
    ),
    "county": (
        (
            "county",
            "state",
            "province",
            "region",
            "business state",
            "address 1 region",
            "provincia",
            "prov",
            "regione",
            "state province",
        ),
        ("home state", "other state"),
    ),
    "country_code": (
        (
            "country code",
            "country region code",
            "country",
            "country region",
            "business country region",
            "business country",
            "address 1 country",
            "nazione",
            "paese",
            "stato",
            "codice paese",
            "codice nazione",
            "nazione regione",
            "paese regione",
            "paese area",
        ),
        ("home country region", "home country", "other country region"),
    ),
    "territory_code": (("territory code", "territory", "territorio", "codice territorio", "zona", "area"),),
    "salesperson_code": (
        (
            "salesperson code",
            "salesperson",
            "sales person",
            "account manager",
            "venditore",
            "codice venditore",
            "agente",
            "commerciale",
            "referente commerciale",
        ),
    ),
    "language_code": (("language code", "language", "lingua", "codice lingua", "idioma"),),
    "correspondence_type": (
        ("correspondence type", "tipo corrispondenza", "tipo di corrispondenza", "correspondence"),
    ),
    "email": (
        (
            "email",
            "e mail",
            "email address",
            "e mail address",
            "e mail 1 value",
            "email 1 value",
            "posta elettronica",
            "indirizzo email",
            "indirizzo e mail",
            "mail",
            "e mail 1",
        ),
        ("e mail 2 address", "e mail 2 value", "e mail 3 address", "pec", "email 2"),
    ),
    "phone": (
        (
            "phone",
            "phone no",
            "phone no.",
            "phone number",
            "telephone",
            "tel",
            "business phone",
            "phone 1 value",
            "primary phone",
            "company main phone",
            "work phone",
            "telefono",
            "tel.",
            "numero di telefono",
            "telefono ufficio",
            "telefono fisso",
            "phone no",
        ),
        ("business phone 2", "home phone", "other phone", "phone 2 value", "telefono 2"),
    ),
    "mobile": (
        (
            "mobile",
            "mobile phone",
            "mobile no",
            "mobile phone no",
            "mobile number",
            "cell",
            "cell phone",
            "cellphone",
            "cellulare",
            "telefono cellulare",
            "cell.",
            "mobile 1 value",
        ),
    ),
    "job_title": (
        (
            "job title",
            "organization 1 title",
            "organization title",
            "position",
            "role",
            "qualifica",
            "ruolo",
            "mansione",
            "carica",
            "posizione",
            "job",
            "professione",
        ),
        ("department", "organization 1 department", "reparto"),
    ),
    "exclude_from_segment": (
        ("exclude from segment", "exclude", "escludi da segmento", "escluso da segmento", "escludi dai segmenti"),
    ),
    "privacy_blocked": (
        (
            "privacy blocked",
            "privacy block",
            "blocco privacy",
            "bloccato privacy",
            "privacy bloccata",
            "riservatezza bloccata",
            "bloccato per privacy",
        ),
    ),
    # The export's own headers, then what CRMs and mailing tools call the opt-out.
    "email_opt_out": (
        (
            "no e-mail (opted out)",
            "nessuna e-mail (opt-out)",
            "email opt out",
            "email opt-out",
            "opted out",
            "opt out",
            "opt-out e-mail",
            "no e-mail",
            "no email",
            "do not email",
            "unsubscribed",
            "nessuna e-mail",
            "niente e-mail",
            "disiscritto",
            "non inviare e-mail",
        ),
    ),
}


def normalise_header(header: str) -> str:
    """Lower case, no accents, no punctuation or spaces: ``"E-mail Address"`` gives ``emailaddress``."""
    text = unicodedata.normalize("NFKD", header or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", "", text)


def _build_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for field in IMPORT_FIELDS:
        # The field's own name (``first_name``) is always understood, as the best match.
        index.setdefault(normalise_header(field), (field, 0))
        for rank, spellings in enumerate(_ALIASES.get(field, ()), start=1):
            for spelling in spellings:
                index.setdefault(normalise_header(spelling), (field, rank))
    return index


_INDEX = _build_index()


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Map each recognised column to a contact field; one column per field, the best-ranked (then first) wins."""
    best: dict[str, tuple[int, int, str]] = {}
    for position, column in enumerate(columns):
        found = _INDEX.get(normalise_header(column))
        if found is None:
            continue
        field, rank = found
        if field not in best or (rank, position) < best[field][:2]:
            best[field] = (rank, position, column)
    chosen = {column: field for field, (_rank, _position, column) in best.items()}
    return {column: chosen[column] for column in columns if column in chosen}
