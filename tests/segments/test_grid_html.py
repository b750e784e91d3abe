"""The grid's rows built in Python: every value escaped, captions translated, the refused cell marked."""

from decimal import Decimal

from segapp.services.segments.lines import add_line
from tests.html import classes, one, parse

HX = {"HX-Request": "true"}


def _cell(root, field: str):
    return one(root, f'//tr[@id="line-10000"]/td[@data-field="{field}"]')


def test_line_values_are_escaped_in_the_cell_and_in_its_edit_value(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("Rossi <b>\"&' S.p.A.", city="Roma").no).line
    line.description, line.cost = '<script>"x"</script>', Decimal("1234.5")
    db.session.commit()
    rows = parse(client.get(f"/segments/{header.no}/lines", headers=HX).get_data(as_text=True))
    # Escaped markup parses back to the text the user typed, and to no element.
    assert rows.xpath("//script") == [] and rows.xpath("//b") == []
    description = _cell(rows, "description")
    assert description.get("data-value") == '<script>"x"</script>'
    assert description.text_content() == '<script>"x"</script>'
    assert _cell(rows, "company_name").text_content() == "Rossi <b>\"&' S.p.A."
    cost = _cell(rows, "cost")
    assert (cost.get("data-edit"), cost.get("data-value"), cost.text_content()) == ("amount", "1234.50", "1,234.50")
    assert classes(cost) == {"cell", "num"}


def test_a_refused_value_is_shown_at_its_cell_in_italian(client, login, make_segment, make_contact, db) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    login("ugo", language="it")
    response = client.put(
        f"/segments/{header.no}/lines/10000", data={"field": "cost", "value": "-1", "version": "1"}, headers=HX
    )
    assert response.status_code == 422
    row = parse(response.get_data(as_text=True))
    cost = _cell(row, "cost")
    assert "has-error" in classes(cost)
    assert (cost.get("data-rejected"), cost.get("aria-invalid")) == ("-1", "true")
    error = one(row, f'//*[@id="{cost.get("aria-describedby")}"]')
    assert error.getparent() is cost and error.get("role") == "alert" and "cell-error" in classes(error)
    assert error.text_content() == "Il valore non può essere negativo."
    assert _cell(row, "document").text_content() == "Nessuno"  # the segment has no template: no document
