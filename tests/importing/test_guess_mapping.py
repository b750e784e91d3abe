"""The column guess is a pure function: no app, no database."""

from segapp.importing import IMPORT_FIELDS, guess_mapping

OUTLOOK = [
    "Title",
    "First Name",
    "Middle Name",
    "Last Name",
    "Suffix",
    "Company",
    "Department",
    "Job Title",
    "Business Street",
    "Business Street 2",
    "Business Street 3",
    "Business City",
    "Business State",
    "Business Postal Code",
    "Business Country/Region",
    "Home Street",
    "Home City",
    "Home Postal Code",
    "Business Fax",
    "Business Phone",
    "Business Phone 2",
    "Home Phone",
    "Mobile Phone",
    "Notes",
    "E-mail Address",
    "E-mail Type",
    "E-mail Display Name",
    "E-mail 2 Address",
    "Web Page",
]
GOOGLE_OLD = [
    "Name",
    "Given Name",
    "Additional Name",
    "Family Name",
    "Name Prefix",
    "Nickname",
    "Birthday",
    "E-mail 1 - Type",
    "E-mail 1 - Value",
    "E-mail 2 - Type",
    "E-mail 2 - Value",
    "Phone 1 - Type",
    "Phone 1 - Value",
    "Address 1 - Type",
    "Address 1 - Formatted",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - Region",
    "Address 1 - Postal Code",
    "Address 1 - Country",
    "Organization 1 - Type",
    "Organization 1 - Name",
    "Organization 1 - Title",
]
GOOGLE_NEW = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Name Prefix",
    "Organization Name",
    "Organization Title",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Address 1 - Street",
    "Address 1 - City",
    "Address 1 - Postal Code",
]


def test_outlook_export_maps_without_manual_work() -> None:
    mapping = guess_mapping(OUTLOOK)
    assert mapping == {
        "Title": "title",
        "First Name": "first_name",
        "Middle Name": "middle_name",
        "Last Name": "surname",
        "Company": "company_name",
        "Job Title": "job_title",
        "Business Street": "address",
        "Business Street 2": "address_2",
        "Business City": "city",
        "Business State": "county",
        "Business Postal Code": "post_code",
        "Business Country/Region": "country_code",
        "Business Phone": "phone",
        "Mobile Phone": "mobile",
        "E-mail Address": "email",
    }


def test_business_columns_win_over_home_ones_whatever_the_order() -> None:
    mapping = guess_mapping(
        ["Home Street", "Home Phone", "E-mail 2 Address", "Business Street", "Business Phone", "E-mail Address"]
    )
    assert mapping == {"Business Street": "address", "Business Phone": "phone", "E-mail Address": "email"}


def test_google_exports_old_and_new() -> None:
    old = guess_mapping(GOOGLE_OLD)
    assert old["Name"] == "name" and old["Given Name"] == "first_name" and old["Family Name"] == "surname"
    assert old["E-mail 1 - Value"] == "email" and old["Phone 1 - Value"] == "phone"
    assert old["Address 1 - Street"] == "address" and old["Address 1 - City"] == "city"
    assert old["Address 1 - Postal Code"] == "post_code" and old["Organization 1 - Name"] == "company_name"
    assert old["Organization 1 - Title"] == "job_title"
    assert "E-mail 2 - Value" not in old and "Address 1 - Formatted" not in old and "Birthday" not in old
    new = guess_mapping(GOOGLE_NEW)
    assert new["First Name"] == "first_name" and new["Last Name"] == "surname"
    assert new["Organization Name"] == "company_name" and new["Organization Title"] == "job_title"
    assert new["Name Prefix"] == "title"


def test_italian_headers_any_case_and_accents() -> None:
    mapping = guess_mapping(
        [
            "NOME",
            "cognome",
            "Ragione sociale",
            "Indirizzo",
            "C.A.P.",
            "Citta'",
            "Provincia",
            "Nazione",
            "Telefono",
            "Cellulare",
            "Posta elettronica",
            "Qualifica",
            "Lingua",
            "Venditore",
        ]
    )
    assert mapping == {
        "NOME": "first_name",
        "cognome": "surname",
        "Ragione sociale": "company_name",
        "Indirizzo": "address",
        "C.A.P.": "post_code",
        "Citta'": "city",
        "Provincia": "county",
        "Nazione": "country_code",
        "Telefono": "phone",
        "Cellulare": "mobile",
        "Posta elettronica": "email",
        "Qualifica": "job_title",
        "Lingua": "language_code",
        "Venditore": "salesperson_code",
    }
    assert guess_mapping(["Città", "E-mail", "Azienda"]) == {
        "Città": "city",
        "E-mail": "email",
        "Azienda": "company_name",
    }


def test_field_names_themselves_are_understood() -> None:
    mapping = guess_mapping(list(IMPORT_FIELDS))
    assert mapping == {f: f for f in IMPORT_FIELDS}


def test_unknown_columns_are_left_out() -> None:
    assert guess_mapping(["Birthday", "Notes", "Web Page", "", "Colore preferito"]) == {}


def test_never_two_columns_to_one_field_first_wins() -> None:
    mapping = guess_mapping(["Email", "E-mail", "Posta elettronica", "Company", "Azienda", "Ragione sociale"])
    assert mapping == {"Email": "email", "Company": "company_name"}
    assert len(set(mapping.values())) == len(mapping)
    mapping = guess_mapping(OUTLOOK + GOOGLE_OLD + GOOGLE_NEW)
    assert len(set(mapping.values())) == len(mapping)
