"""The import service: files of every kind, duplicates, companies and persons, all-or-nothing."""

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from segapp.importing import guess_mapping
from segapp.models import Contact, ContactType, CorrespondenceType, CountryRegion, Language, NumberSeries, Salesperson
from segapp.services.errors import ServiceError
from segapp.services.importing.files import ImportFile, open_import_file
from segapp.services.importing.run import ImportOptions, ImportResult, import_contacts, preview_rows

MB = 1024 * 1024


def _open(path: Path, limit_mb: int = 20) -> ImportFile:
    return open_import_file(path, path.name, limit_mb * MB)


def _import(db: Any, path: Path, **options: Any) -> ImportResult:
    table = _open(path)
    mapping = options.pop("mapping", None) or guess_mapping(table.columns)
    result = import_contacts(db.session, table.columns, table.rows(), ImportOptions(mapping, **options))
    db.session.commit()
    return result


def _contacts(db: Any) -> dict[str, Contact]:
    db.session.expire_all()
    return {c.name: c for c in db.session.scalars(select(Contact))}


def _count(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Contact))


def test_good_csv_creates_companies_and_linked_persons(db: Any, write_file: Callable[..., Path]) -> None:
    path = write_file(
        "good.csv",
        (
            "Company,First Name,Last Name,E-mail Address,Business City,Mobile Phone\n"
            "Acme S.r.l.,,,info@acme.it,Milano,\n"
            "Acme S.r.l.,Anna,Rossi,anna@acme.it,Milano,333 1\n"
            "Beta SpA,Luca,Bianchi,luca@beta.it,Roma,\n"
            ",Sara,Verdi,sara@example.com,Torino,\n"
        ),
    )
    result = _import(db, path)
    assert (result.created, result.updated, result.skipped, result.errors) == (5, 0, 0, [])
    contacts = _contacts(db)
    acme, beta = contacts["Acme S.r.l."], contacts["Beta SpA"]
    assert acme.type == ContactType.COMPANY and acme.company_no == acme.no and acme.email == "info@acme.it"
    anna = contacts["Anna Rossi"]
    assert anna.type == ContactType.PERSON and anna.company_no == acme.no and anna.company_name == "Acme S.r.l."
    assert anna.first_name == "Anna" and anna.surname == "Rossi" and anna.mobile == "333 1"
    # Beta did not exist: created from Luca's row, with his business city.
    assert beta.type == ContactType.COMPANY and beta.city == "Roma" and beta.email == ""
    assert contacts["Luca Bianchi"].company_no == beta.no
    sara = contacts["Sara Verdi"]
    assert sara.type == ContactType.PERSON and sara.company_no is None
    assert sorted(c.no for c in contacts.values()) == [f"CT{n:06d}" for n in range(1, 6)]
    assert all(c.created_at is not None for c in contacts.values())


def test_semicolon_windows_1252_csv_is_detected(db: Any, write_file: Callable[..., Path]) -> None:
    text = (
        "Ragione sociale;Nome;Cognome;Città;Posta elettronica\r\nCaffè Società;Niccolò;Dell'Àcqua;Forlì;n@caffe.it\r\n"
    )
    path = write_file("export.csv", text, "cp1252")
    table = _open(path)
    assert (table.encoding_label, table.delimiter_label) == ("Windows-1252", ";")
    assert table.columns == ["Ragione sociale", "Nome", "Cognome", "Città", "Posta elettronica"]
    result = _import(db, path)
    assert (result.created, result.errors) == (2, [])
    contacts = _contacts(db)
    assert contacts["Niccolò Dell'Àcqua"].city == "Forlì"
    assert contacts["Niccolò Dell'Àcqua"].company_name == "Caffè Società"


def test_utf16_outlook_style_csv(db: Any, write_file: Callable[..., Path]) -> None:
    text = '"First Name","Last Name","Company","E-mail Address","Business Phone"\r\n"Jürgen","Müller","Grüne AG","j@gruene.de","+49 1"\r\n'
    path = write_file("outlook.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    table = _open(path)
    assert table.encoding_label == "UTF-16" and table.delimiter_label == ","
    result = _import(db, path)
    assert (result.created, result.errors) == (2, [])
    assert _contacts(db)["Jürgen Müller"].phone == "+49 1"


def test_utf8_with_bom_tab_and_pipe(db: Any, write_file: Callable[..., Path]) -> None:
    tab = _open(write_file("a.tsv", "\ufeffName\tCity\nAcme\tMilano\n"))
    assert (tab.encoding_label, tab.delimiter_label, tab.columns) == ("UTF-8 (BOM)", "Tab", ["Name", "City"])
    pipe = _open(write_file("b.csv", "Name|City\nAcme|Milano\nBeta|Roma\n"))
    assert (pipe.encoding_label, pipe.delimiter_label) == ("UTF-8", "|")
    assert list(pipe.rows()) == [["Acme", "Milano"], ["Beta", "Roma"]]


def test_xlsx_workbook(db: Any, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nome", "Cognome", "Azienda", "CAP", "Email", "Escludi da segmento"])
    sheet.append(["Anna", "Rossi", "Acme", 20100, "anna@acme.it", "sì"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Luca", "Neri", "Acme", "00184", "luca@acme.it", "no"])
    path = tmp_path / "contatti.xlsx"
    workbook.save(path)
    table = _open(path)
    assert table.kind == "xlsx"
    result = _import(db, path)
    assert (result.created, result.errors) == (3, [])
    contacts = _contacts(db)
    assert contacts["Anna Rossi"].post_code == "20100" and contacts["Anna Rossi"].exclude_from_segment is True
    assert contacts["Luca Neri"].post_code == "00184" and contacts["Luca Neri"].exclude_from_segment is False
    assert contacts["Anna Rossi"].company_no == contacts["Luca Neri"].company_no == contacts["Acme"].no


def test_duplicates_by_no_and_email_are_skipped(
    db: Any, write_file: Callable[..., Path], make_contact: Callable[..., Contact]
) -> None:
    make_contact("Old Acme", no="C1", email="info@acme.it", city="Pisa")
    make_contact("Old Beta", no="C2", email="Info@Beta.it", city="Pisa")
    path = write_file(
        "dup.csv",
        (
            "No.,Name,E-mail,City\n"
            "C1,Acme,x@acme.it,Milano\n"  # same no.
            ",Beta,INFO@beta.IT,Roma\n"  # same e-mail, other case
            ",Gamma,g@gamma.it,Napoli\n"
            ",Gamma again,G@Gamma.it,Bari\n"  # duplicate within the file
        ),
    )
    result = _import(db, path, duplicates="skip")
    assert (result.created, result.updated, result.skipped, result.errors) == (1, 0, 3, [])
    contacts = _contacts(db)
    assert contacts["Old Acme"].city == "Pisa" and contacts["Old Beta"].city == "Pisa"
    assert contacts["Gamma"].city == "Napoli" and "Gamma again" not in contacts


def test_duplicates_by_no_and_email_are_updated(
    db: Any, write_file: Callable[..., Path], make_contact: Callable[..., Contact]
) -> None:
    make_contact("Old Acme", no="C1", email="info@acme.it", city="Pisa", phone="050 1")
    make_contact("Old Beta", no="C2", email="Info@Beta.it", city="Pisa")
    path = write_file(
        "dup.csv",
        (
            "No.,Name,E-mail,City,Phone\n"
            "C1,Acme,x@acme.it,Milano,\n"
            ",Beta,INFO@beta.IT,Roma,06 1\n"
            ",Gamma,g@gamma.it,Napoli,\n"
            ",Gamma,G@Gamma.it,Bari,080 1\n"
        ),
    )
    result = _import(db, path, duplicates="update")
    assert (result.created, result.updated, result.skipped, result.errors) == (1, 3, 0, [])
    contacts = _contacts(db)
    acme = contacts["Acme"]
    # Updated by no.: blank cells leave the stored value alone.
    assert (acme.no, acme.city, acme.email, acme.phone, acme.company_name) == (
        "C1",
        "Milano",
        "x@acme.it",
        "050 1",
        "Acme",
    )
    assert (contacts["Beta"].no, contacts["Beta"].city, contacts["Beta"].phone) == ("C2", "Roma", "06 1")
    assert (contacts["Gamma"].city, contacts["Gamma"].phone) == ("Bari", "080 1")
    assert _count(db) == 3


def test_company_rows_match_existing_companies_by_name_and_persons_link_by_no(
    db: Any, write_file: Callable[..., Path], make_contact: Callable[..., Contact]
) -> None:
    acme = make_contact("Acme")
    path = write_file(
        "mixed.csv",
        (
            "Type,Name,Company,Company No.,Surname\n"
            "Company,ACME,,,\n"
            "persona,Anna Rossi,acme,,Rossi\n"
            "person,Bruno Neri,,C9,Neri\n"
            "società,Delta,,,\n"
            "person,Carla Blu,Delta,,Blu\n"
            "company,Epsilon,,,\n"
        ).replace("C9", "CTX"),
    )
    path.write_text(path.read_text().replace("CTX", "C9"))
    make_contact("Nine", no="C9")
    result = _import(db, path)
    assert (result.created, result.skipped, result.errors) == (5, 1, [])
    contacts = _contacts(db)
    assert contacts["Anna Rossi"].company_no == acme.no and contacts["Anna Rossi"].company_name == "Acme"
    assert contacts["Bruno Neri"].company_no == "C9" and contacts["Bruno Neri"].company_name == "Nine"
    assert contacts["Carla Blu"].company_no == contacts["Delta"].no
    assert contacts["Epsilon"].type == ContactType.COMPANY
    assert db.session.scalar(select(func.count()).where(Contact.name == "Delta")) == 1


def test_person_before_its_company_row_links_to_that_row(db: Any, write_file: Callable[..., Path]) -> None:
    path = write_file(
        "order.csv", "Name,Company,City,Email\nAnna Rossi,Acme,Pisa,a@acme.it\nAcme,,Milano,info@acme.it\n"
    )
    result = _import(db, path)
    assert (result.created, result.errors) == (2, [])
    contacts = _contacts(db)
    assert contacts["Anna Rossi"].company_no == contacts["Acme"].no
    assert contacts["Acme"].city == "Milano" and contacts["Acme"].email == "info@acme.it"


def test_codes_are_checked_and_accepted_by_code_or_name(
    db: Any, write_file: Callable[..., Path], make_reference: Callable[..., Any]
) -> None:
    make_reference(Salesperson, code="MR", name="Mario Rossi")
    make_reference(CountryRegion, code="IT", name="Italia")
    make_reference(Language, code="ITA", name="Italiano")
    path = write_file(
        "codes.csv",
        (
            "Name,Salesperson,Country,Language,Correspondence type,Privacy blocked\n"
            "Acme,mr,Italia,ITA,e-mail,yes\n"
            "Beta,Mario Rossi,it,italiano,cartaceo,0\n"
        ),
    )
    result = _import(db, path)
    assert (result.created, result.errors) == (2, [])
    acme, beta = _contacts(db)["Acme"], _contacts(db)["Beta"]
    assert (acme.salesperson_code, acme.country_code, acme.language_code) == ("MR", "IT", "ITA")
    assert acme.correspondence_type == CorrespondenceType.EMAIL and acme.privacy_blocked is True
    assert (beta.salesperson_code, beta.country_code, beta.correspondence_type) == (
        "MR",
        "IT",
        CorrespondenceType.HARD_COPY,
    )


def test_a_bad_row_means_nothing_is_imported_and_every_bad_row_is_reported(
    db: Any, write_file: Callable[..., Path]
) -> None:
    path = write_file(
        "bad.csv",
        (
            "Name,Email,Country,Exclude from segment,Type,Company no.\n"
            "Good,good@x.it,,,,\n"
            "Bad mail,not-an-email,,,,\n"
            "Bad country,,ZZ,,,\n"
            ",,,,,\n"
            "Bad bool,,,maybe,,\n"
            "Bad type,,,,robot,\n"
            ",nameless@x.it,,,,\n" + "Too long " + "x" * 100 + ",,,,,\n"
            "Ghost employee,,,,person,C404\n"
        ),
    )
    result = _import(db, path)
    assert (result.created, result.updated, result.skipped) == (0, 0, 0)
    assert [e.row_number for e in result.errors] == [3, 4, 6, 7, 8, 9, 10]
    messages = {e.row_number: e.message for e in result.errors}
    assert "not-an-email" in messages[3] and "ZZ" in messages[4] and "maybe" in messages[6]
    assert "robot" in messages[7] and "no name" in messages[8] and "100" in messages[9] and "C404" in messages[10]
    assert _count(db) == 0
    numbers = db.session.scalar(select(NumberSeries.next_number).where(NumberSeries.code == "CONTACT"))
    assert numbers == 1


def test_skip_invalid_rows_imports_the_good_ones(db: Any, write_file: Callable[..., Path]) -> None:
    path = write_file("bad.csv", "Name,Email\nGood,good@x.it\nBad,nope\nAlso good,\n")
    result = _import(db, path, skip_invalid_rows=True)
    assert (result.created, [e.row_number for e in result.errors]) == (2, [3])
    assert set(_contacts(db)) == {"Good", "Also good"}


def test_given_numbers_move_the_series_past_them(
    db: Any, write_file: Callable[..., Path], make_contact: Callable[..., Contact]
) -> None:
    path = write_file("nos.csv", "No.,Name\nCT000007,Given\n,New\n")
    result = _import(db, path)
    assert result.created == 2
    assert _contacts(db)["New"].no == "CT000008"
    assert make_contact("Later").no == "CT000009"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.pdf", b"%PDF-1.4 whatever", "Only CSV and Excel"),
        ("junk.csv", bytes(range(256)) * 40, "not readable text"),
        ("fake.xlsx", b"Name,City\nAcme,Milano\n", "not a valid Excel"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "not a valid Excel"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 200, "Only CSV and Excel"),
        ("empty.csv", b"", "empty"),
        ("noheader.csv", b"\n\nAcme,Milano\n", "column names"),
    ],
)
def test_broken_files_are_refused_with_the_reason(
    app: Any, write_file: Callable[..., Path], name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        _open(write_file(name, content))
    assert reason in refused.value.message


def test_too_large_file_is_refused(app: Any, write_file: Callable[..., Path]) -> None:
    path = write_file("big.csv", "Name\n" + "Acme\n" * 300_000)
    with pytest.raises(ServiceError, match="too large"):
        _open(path, limit_mb=1)


def test_missing_required_column_is_refused_and_nothing_imported(db: Any, write_file: Callable[..., Path]) -> None:
    path = write_file("noname.csv", "City,Email\nMilano,a@b.it\n")
    table = _open(path)
    with pytest.raises(ServiceError, match="name"):
        import_contacts(db.session, table.columns, table.rows(), ImportOptions(guess_mapping(table.columns)))
    assert _count(db) == 0


def test_two_columns_to_one_field_is_refused(db: Any) -> None:
    with pytest.raises(ServiceError, match="both"):
        import_contacts(db.session, ["A", "B"], [["x", "y"]], ImportOptions({"A": "name", "B": "name"}))


def test_more_than_the_row_limit_is_refused(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("segapp.services.importing.run.MAX_ROWS", 5)
    rows = ([f"Company {n}"] for n in range(6))
    with pytest.raises(ServiceError, match="more than 5 rows"):
        import_contacts(db.session, ["Name"], rows, ImportOptions({"Name": "name"}))
    assert _count(db) == 0


def test_preview_shows_rows_as_they_will_be_imported(db: Any) -> None:
    rows = [["Anna", "Rossi", "Acme", "a@x.it"], ["", "", "", ""], ["Bad", "", "", "nope"]] + [
        [f"P{n}", "X", "", ""] for n in range(20)
    ]
    preview = preview_rows(
        db.session,
        ["Nome", "Cognome", "Azienda", "Email"],
        rows,
        {"Nome": "first_name", "Cognome": "surname", "Azienda": "company_name", "Email": "email"},
    )
    assert len(preview) == 10
    assert (preview[0].row_number, preview[0].type, preview[0].values["name"], preview[0].company) == (
        2,
        ContactType.PERSON,
        "Anna Rossi",
        "Acme",
    )
    assert preview[1].row_number == 4 and "nope" in preview[1].errors[0]


def test_statements_do_not_grow_with_the_rows(db: Any, make_contact: Callable[..., Contact]) -> None:
    from sqlalchemy import event

    make_contact("Existing", email="dup@x.it")
    rows = [[f"Company {n // 5}", f"Person {n}", f"p{n}@x.it"] for n in range(3000)] + [["", "Dup", "DUP@x.it"]]
    statements: list[str] = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = import_contacts(
            db.session,
            ["Company", "Name", "Email"],
            rows,
            ImportOptions({"Company": "company_name", "Name": "name", "Email": "email"}, duplicates="update"),
        )
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    db.session.commit()
    assert (result.created, result.updated, result.errors) == (3000 + 600, 1, [])
    # Lookups per 2,000 rows, one number reservation, one executemany per 5,000 rows, one update.
    assert len(statements) < 25, statements


def test_updated_contacts_are_found_by_the_list_search_under_their_new_name(db, make_contact) -> None:
    from sqlalchemy import select

    from segapp.models import Contact
    from segapp.services.importing.run import ImportOptions, import_contacts

    acme = make_contact("Acme", email="info@acme.example")
    result = import_contacts(
        db.session,
        ["Name", "E-mail", "City"],
        [["Zenith Città", "info@acme.example", "Milano"]],
        ImportOptions(mapping={"Name": "name", "E-mail": "email", "City": "city"}, duplicates="update"),
    )
    db.session.commit()
    assert result.updated == 1
    search_text = db.session.scalar(select(Contact.search_text).where(Contact.no == acme.no))
    assert "zenith città" in search_text
    assert "milano" in search_text


def test_matching_folds_non_ascii_letters_on_every_database(
    db: Any, make_contact: Callable[..., Contact], make_reference: Callable[..., Any]
) -> None:
    """Duplicates by e-mail, companies by name and codes match whatever the case of À, Ø, Ж (not only ASCII)."""
    make_contact("SOCIETÀ ØSTLUND", no="C1")
    make_contact("Other", no="C2", email="ÀNNA@ЖУК.RU")
    make_reference(Salesperson, code="MÜ", name="Müller")
    result = import_contacts(
        db.session,
        ["Name", "E-mail", "Company", "Salesperson"],
        [
            ["Società Østlund", "", "", ""],  # the same company, another case
            ["Anna", "ànna@жук.ru", "", ""],  # the same e-mail, another case
            ["Bruno Neri", "b@x.it", "società østlund", "mü"],  # links to C1, salesperson by code
        ],
        ImportOptions(
            {"Name": "name", "E-mail": "email", "Company": "company_name", "Salesperson": "salesperson_code"}
        ),
    )
    db.session.commit()
    assert (result.created, result.skipped, result.errors) == (1, 2, [])
    bruno = _contacts(db)["Bruno Neri"]
    assert (bruno.company_no, bruno.salesperson_code) == ("C1", "MÜ")


def test_imported_persons_take_their_companys_address_and_codes_and_the_default_language(
    db: Any, write_file: Callable[..., Path], make_reference: Callable[..., Any], make_contact: Callable[..., Contact]
) -> None:
    from segapp.models import MarketingSetup, Territory

    make_reference(Salesperson, code="MR", name="Mario Rossi")
    make_reference(Territory, code="NORD", name="Nord")
    make_reference(CountryRegion, code="IT", name="Italia")
    make_reference(Language, code="ITA", name="Italiano")
    make_reference(Language, code="ENU", name="English")
    db.session.get(MarketingSetup, 1).default_language_code = "ENU"
    make_contact(
        "Acme S.r.l.",
        address="Via Roma 1",
        post_code="20121",
        city="Milano",
        country_code="IT",
        territory_code="NORD",
        salesperson_code="MR",
        language_code="ITA",
    )
    old = make_contact("Old Beta", email="old@beta.it")  # updated by the import: not a new contact
    path = write_file(
        "people.csv",
        (
            "Company,Name,Address,City,Language,E-mail\n"
            "Acme S.r.l.,Anna Rossi,,,,anna@acme.it\n"
            "Acme S.r.l.,Bruno Neri,,Roma,,\n"
            "Beta SpA,,Corso Italia 5,Torino,,\n"
            "Beta SpA,Carla Verdi,,,ITA,\n"
            ",Solo Uno,,,,\n"
            ",Old Beta,,,,old@beta.it\n"
        ),
    )
    result = _import(
        db,
        path,
        mapping={
            "Company": "company_name",
            "Name": "name",
            "Address": "address",
            "City": "city",
            "Language": "language_code",
            "E-mail": "email",
        },
        duplicates="update",
    )
    assert (result.created, result.updated, result.errors) == (5, 1, [])
    contacts = _contacts(db)
    anna, bruno, carla = contacts["Anna Rossi"], contacts["Bruno Neri"], contacts["Carla Verdi"]
    # Anna has no address: she takes Acme's whole address and its territory, salesperson and language.
    assert (anna.address, anna.post_code, anna.city, anna.country_code) == ("Via Roma 1", "20121", "Milano", "IT")
    assert (anna.territory_code, anna.salesperson_code, anna.language_code) == ("NORD", "MR", "ITA")
    # Bruno has a city of his own: he keeps it and takes no street, but still takes the codes.
    assert (bruno.address, bruno.city, bruno.salesperson_code) == ("", "Roma", "MR")
    # Carla's company came in the same file; her own language stays.
    assert (carla.address, carla.city, carla.language_code) == ("Corso Italia 5", "Torino", "ITA")
    # The new company and the person without one get marketing setup's default language.
    assert contacts["Beta SpA"].language_code == "ENU" and contacts["Solo Uno"].language_code == "ENU"
    assert contacts["Solo Uno"].city == ""
    assert db.session.get(Contact, old.no).language_code is None
    # The list search finds a person by the city she inherited.
    assert anna.no in db.session.scalars(select(Contact.no).where(Contact.search_text.contains("milano"))).all()
