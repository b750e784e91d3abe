"""Large segments: the page loads the first lines only; the rest come page by page."""

from sqlalchemy import insert, select

from segapp.models import Contact, SegmentLine
from segapp.services.segments.grid import PAGE_SIZE, grid_page

HX = {"HX-Request": "true"}


def _fill(db, segment_no: str, count: int) -> None:
    contacts = [
        {"no": f"K{i:06d}", "name": f"Contact {i:06d}", "city": "Milano" if i % 2 else "Roma"} for i in range(count)
    ]
    db.session.execute(insert(Contact), contacts)
    db.session.execute(
        insert(SegmentLine),
        [{"segment_no": segment_no, "line_no": (i + 1) * 10000, "contact_no": f"K{i:06d}"} for i in range(count)],
    )
    db.session.commit()


def test_the_page_shows_one_page_of_lines_and_loads_more_on_demand(client, login, make_segment, db) -> None:
    login()
    header = make_segment()
    _fill(db, header.no, PAGE_SIZE * 2 + 5)
    page = client.get(f"/segments/{header.no}").get_data(as_text=True)
    assert page.count('<tr id="line-') == PAGE_SIZE
    assert f'data-total="lines">{PAGE_SIZE * 2 + 5}<' in client.get(
        f"/segments/{header.no}/totals", headers=HX
    ).get_data(as_text=True)
    assert f"offset={PAGE_SIZE}" in page and 'hx-trigger="click, revealed"' in page
    second = client.get(f"/segments/{header.no}/lines?offset={PAGE_SIZE}", headers=HX).get_data(as_text=True)
    assert (
        second.count('<tr id="line-') == PAGE_SIZE
        and f"K{PAGE_SIZE:06d}" in second
        and f"K{PAGE_SIZE - 1:06d}" not in second
    )
    last = client.get(f"/segments/{header.no}/lines?offset={PAGE_SIZE * 2}", headers=HX).get_data(as_text=True)
    assert last.count('<tr id="line-') == 5 and "load-more" not in last


def test_sort_and_filter_reach_lines_not_loaded_yet(db, make_segment) -> None:
    header = make_segment()
    _fill(db, header.no, 250)
    descending = grid_page(db.session, header.no, sort="contact_no", descending=True)
    assert descending.rows[0].line.contact_no == "K000249" and descending.has_more
    filtered = grid_page(db.session, header.no, search="contact 00024")
    assert [row.line.contact_no for row in filtered.rows] == [f"K00024{i}" for i in range(10)]
    assert not filtered.has_more
    by_city = grid_page(db.session, header.no, sort="city", limit=300)
    assert [row.city for row in by_city.rows][:125] == ["Milano"] * 125
    assert db.session.scalar(select(SegmentLine.line_no).order_by(SegmentLine.line_no.desc()).limit(1)) == 2_500_000
