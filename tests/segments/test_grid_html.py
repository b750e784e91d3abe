"""The grid's rows built in Python: every value escaped, captions translated, the refused cell marked."""

from decimal import Decimal

from segapp.services.segments.lines import add_line

HX = {"HX-Request": "true"}


def test_line_values_are_escaped_in_the_cell_and_in_its_edit_value(
    client, login, make_segment, make_contact, db
) -> None:
    login()
    header = make_segment()
    line = add_line(db.session, header.no, make_contact("Rossi <b>\"&' S.p.A.", city="Roma").no).line
    line.description, line.cost = '<script>"x"</script>', Decimal("1234.5")
    db.session.commit()
    rows = client.get(f"/segments/{header.no}/lines", headers=HX).get_data(as_text=True)
    assert "<script>" not in rows and "<b>" not in rows
    assert (
        'data-value="&lt;script&gt;&#34;x&#34;&lt;/script&gt;" class="cell">&lt;script&gt;&#34;x&#34;&lt;/script&gt;</td>'
        in rows
    )
    assert 'data-field="company_name" class="cell">Rossi &lt;b&gt;&#34;&amp;&#39; S.p.A.</td>' in rows
    assert 'data-field="cost" data-edit="amount" data-value="1234.50" class="cell num">1,234.50</td>' in rows


def test_a_refused_value_is_shown_at_its_cell_in_italian(client, login, make_segment, make_contact, db) -> None:
    header = make_segment()
    add_line(db.session, header.no, make_contact("A").no)
    db.session.commit()
    login("ugo", language="it")
    response = client.put(
        f"/segments/{header.no}/lines/10000", data={"field": "cost", "value": "-1", "version": "1"}, headers=HX
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'class="cell num has-error" data-rejected="-1" aria-invalid="true" aria-describedby="err-10000-cost">' in body
    )
    assert (
        '<span class="cell-error" role="alert" id="err-10000-cost">Il valore non può essere negativo.</span></td>'
        in body
    )
    assert 'data-field="document" class="cell">Nessuno</td>' in body  # the segment has no template: no document
