"""Importing a CSV file in the browser: upload, the guessed mapping, the report."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from segapp.models import Contact, Role
from tests.browser_support import save_screenshot

CSV = (
    "Company;Name;E-mail;City;Phone\n"
    "Rossi Arredamenti S.r.l.;;info@rossiarredamenti.it;Milano;+39 02 1234567\n"
    "Rossi Arredamenti S.r.l.;Anna Rossi;anna@rossiarredamenti.it;Milano;+39 333 1234567\n"
    "Bianchi Vini;;ordini@bianchivini.it;Verona;+39 045 7654321\n"
    "Bianchi Vini;Marco Bianchi;marco@bianchivini.it;Verona;\n"
).encode("cp1252")


def test_a_csv_file_is_uploaded_mapped_and_imported(
    signed_in: Callable[..., Any], live_server: str, db: Any, import_folder: Path
) -> None:
    from playwright.sync_api import expect

    page = signed_in("ann", role=Role.USER)
    page.goto(live_server + "/contacts/")
    page.get_by_role("link", name="Import").click()
    page.wait_for_url("**/contacts/import")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "fair-contacts.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/contacts/import/mapping")

    expect(page.get_by_role("heading", level=1)).to_contain_text("fair-contacts.csv")
    expect(page.locator('[data-fact="delimiter"]')).to_contain_text(";")
    expected = {"Company": "company_name", "Name": "name", "E-mail": "email", "City": "city", "Phone": "phone"}
    for column, field in expected.items():
        expect(page.get_by_label(column, exact=True)).to_have_value(field)
    preview = page.locator("#import-preview-table tbody tr")
    expect(preview).to_have_count(4)
    expect(preview.nth(1)).to_contain_text("Anna Rossi")
    save_screenshot(page, "import-mapping.png")

    # Changing a column's field refreshes the preview in place.
    page.get_by_label("Phone", exact=True).select_option("")
    expect(page.locator("#import-preview-table thead")).not_to_contain_text("Phone")
    page.get_by_label("Phone", exact=True).select_option("phone")
    expect(page.locator("#import-preview-table thead")).to_contain_text("Phone")

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import report")
    expect(page.get_by_role("status")).to_contain_text("The import is done.")
    expect(page.locator('[data-count="created"]')).to_have_text("4")
    expect(page.locator('[data-count="rejected"]')).to_have_text("0")

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 4
    anna = db.session.scalars(select(Contact).where(Contact.name == "Anna Rossi")).one()
    assert (anna.company_name, anna.city, anna.email) == (
        "Rossi Arredamenti S.r.l.",
        "Milano",
        "anna@rossiarredamenti.it",
    )
