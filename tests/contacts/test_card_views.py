"""Company and person cards, forms and the card actions through the client."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import (
    Contact,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
    Role,
)
from tests.html import one, parse

pytestmark = pytest.mark.usefixtures("references")
HX = {"HX-Request": "true"}


def _codes(db: Any, model: Any, column: Any) -> list:
    db.session.rollback()
    return list(db.session.scalars(select(column)))


def _fresh(db: Any, no: str) -> Contact | None:
    db.session.rollback()  # ends the test's read transaction, so the request's commit is seen
    return db.session.scalar(select(Contact).where(Contact.no == no))


def test_company_card_shows_its_persons_relations_history_and_segments(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable, put_on_segment: Callable, log_entry: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme S.r.l.", city="Milano")
    make_contact("Anna Rossi", company=acme)
    make_contact("Bruno Verdi", company=acme)
    db.session.add(ContactMailingGroup(contact_no=acme.no, mailing_group_code="NEWS"))
    db.session.commit()
    put_on_segment(acme)
    log_entry(acme, "Spring letter")
    html = client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert "Anna Rossi" in html and "Bruno Verdi" in html and "Persons" in html
    assert 'data-relation="industry_group"' in html and 'data-relation="business_relation"' in html
    assert 'data-relation="job_responsibility"' not in html
    assert 'data-code="NEWS"' in html
    assert 'data-segment="SEG00001"' in html and "Spring mailing" in html
    assert "Spring letter" in html


def test_person_card_links_its_company_and_has_job_responsibilities(
    client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme S.r.l.")
    anna = make_contact("Anna Rossi", company=acme)
    html = client.get(f"/contacts/{anna.no}").get_data(as_text=True)
    assert f'href="/contacts/{acme.no}"' in html
    assert 'data-relation="job_responsibility"' in html and 'data-relation="industry_group"' not in html


def test_unknown_contact_is_404(client: FlaskClient, login: Callable) -> None:
    login("ann")
    assert client.get("/contacts/NOPE").status_code == 404


def test_relation_add_and_remove_in_place(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme")
    added = client.post(f"/contacts/{acme.no}/relations/mailing_group", data={"code": "XMAS"}, headers=HX)
    assert added.status_code == 200
    assert 'data-code="XMAS"' in added.get_data(as_text=True) and "<html" not in added.get_data(as_text=True)
    assert _codes(db, ContactMailingGroup, ContactMailingGroup.mailing_group_code) == ["XMAS"]
    refused = client.post(f"/contacts/{acme.no}/relations/mailing_group", data={"code": "NOPE"}, headers=HX)
    assert refused.status_code == 422 and "NOPE does not exist" in refused.get_data(as_text=True)
    removed = client.delete(f"/contacts/{acme.no}/relations/mailing_group/XMAS", headers=HX)
    assert removed.status_code == 200 and 'data-code="XMAS"' not in removed.get_data(as_text=True)
    assert _codes(db, ContactMailingGroup, ContactMailingGroup.mailing_group_code) == []


def test_relation_without_htmx_redirects_to_the_card(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme")
    response = client.post(f"/contacts/{acme.no}/relations/industry_group", data={"code": "RETAIL"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/contacts/{acme.no}#rel-industry_group"
    )
    response = client.post(
        f"/contacts/{acme.no}/relations/job_responsibility", data={"code": "CEO"}, follow_redirects=True
    )
    assert "does not apply" in response.get_data(as_text=True)


def test_profile_answer_is_set_in_place(db: Any, client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("ann")
    questionnaire = ProfileQuestionnaire(
        code="SIZE", description="Company size", applies_to=QuestionnaireAppliesTo.COMPANY
    )
    question = ProfileQuestion(
        description="Employees", answers=[ProfileAnswer(description="1-10"), ProfileAnswer(description="11-100")]
    )
    questionnaire.questions.append(question)
    db.session.add(questionnaire)
    db.session.commit()
    acme = make_contact("Acme")
    anna = make_contact("Anna", company=acme)
    assert "Employees" in client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert "Employees" not in client.get(f"/contacts/{anna.no}").get_data(as_text=True)
    answer_id = question.answers[1].id
    response = client.post(f"/contacts/{acme.no}/profile/{question.id}", data={"answer_id": str(answer_id)}, headers=HX)
    assert response.status_code == 200
    assert f'<option value="{answer_id}" selected>' in response.get_data(as_text=True)
    assert _codes(db, ContactProfileAnswer, ContactProfileAnswer.answer_id) == [answer_id]


def test_create_company_and_person_through_the_form(db: Any, client: FlaskClient, login: Callable) -> None:
    login("ann")
    response = client.post(
        "/contacts/new?type=company",
        data={"name": "Acme S.r.l.", "city": "Milano", "salesperson_code": "mr", "correspondence_type": "email"},
    )
    assert response.status_code == 302
    acme = _fresh(db, "CT000001")
    assert (acme.name, acme.company_no, acme.salesperson_code, acme.correspondence_type.value) == (
        "Acme S.r.l.",
        "CT000001",
        "MR",
        "email",
    )
    response = client.post(
        "/contacts/new?type=person",
        data={"first_name": "Anna", "surname": "Rossi", "company_no": "CT000001", "correspondence_type": ""},
    )
    assert response.status_code == 302
    anna = _fresh(db, "CT000002")
    assert (anna.type, anna.name, anna.company_name) == (ContactType.PERSON, "Anna Rossi", "Acme S.r.l.")


def test_form_shows_messages_next_to_fields(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    anna = make_contact("Anna", company=make_contact("Acme"))
    response = client.post("/contacts/new?type=company", data={"name": "X", "email": "bad@", "correspondence_type": ""})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    response = client.post(
        "/contacts/new?type=company", data={"name": "X", "salesperson_code": "ZZ", "correspondence_type": ""}
    )
    assert response.status_code == 422
    assert '<p class="error" id="salesperson_code-error">The code ZZ does not exist.</p>' in response.get_data(
        as_text=True
    )
    response = client.post(
        "/contacts/new?type=person", data={"name": "Y", "company_no": anna.no, "correspondence_type": ""}
    )
    assert response.status_code == 422 and "is a person, not a company" in response.get_data(as_text=True)
    assert _fresh(db, "CT000003") is None


def test_edit_refuses_company_change_while_on_a_segment(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable, put_on_segment: Callable
) -> None:
    login("ann")
    acme, beta = make_contact("Acme"), make_contact("Beta")
    anna = make_contact("Anna", company=acme)
    put_on_segment(anna)
    response = client.post(
        f"/contacts/{anna.no}/edit", data={"name": "Anna R.", "company_no": beta.no, "correspondence_type": ""}
    )
    assert response.status_code == 422 and "SEG00001" in response.get_data(as_text=True)
    fresh = _fresh(db, anna.no)
    assert (fresh.name, fresh.company_no) == ("Anna", acme.no)


def test_hostile_text_on_the_card_is_escaped(client: FlaskClient, login: Callable) -> None:
    login("ann")
    client.post(
        "/contacts/new?type=company",
        data={"no": "X1", "name": "<script>alert(1)</script>", "city": "<b>x</b>", "correspondence_type": ""},
    )
    html = client.get("/contacts/X1").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_delete_asks_then_deletes_or_refuses(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable, put_on_segment: Callable
) -> None:
    login("ann")
    acme, beta = make_contact("Acme"), make_contact("Beta")
    assert f'action="/contacts/{acme.no}/delete"' in client.get(f"/contacts/{acme.no}/delete").get_data(as_text=True)
    put_on_segment(beta)
    refused = client.post(f"/contacts/{beta.no}/delete", follow_redirects=True)
    assert "cannot be deleted" in refused.get_data(as_text=True)
    assert _fresh(db, beta.no) is not None
    assert client.post(f"/contacts/{acme.no}/delete").status_code == 302
    assert _fresh(db, acme.no) is None


def test_anonymise_and_privacy_through_the_card(
    db: Any, client: FlaskClient, login: Callable, make_contact: Callable, log_entry: Callable
) -> None:
    login("ann")
    anna = make_contact("Anna Rossi", company=make_contact("Acme"), email="anna@acme.it")
    log_entry(anna, "Call")
    assert client.post(f"/contacts/{anna.no}/privacy", data={"blocked": "1"}).status_code == 302
    assert _fresh(db, anna.no).privacy_blocked is True
    assert client.post(f"/contacts/{anna.no}/anonymise").status_code == 302
    fresh = _fresh(db, anna.no)
    assert (fresh.name, fresh.email, fresh.anonymised) == ("", "", True)
    assert "Call" in client.get(f"/contacts/{anna.no}").get_data(as_text=True)


def test_viewer_sees_no_edit_buttons(client: FlaskClient, login: Callable, make_contact: Callable) -> None:
    login("vera", role=Role.VIEWER)
    acme = make_contact("Acme")
    html = client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert f"/contacts/{acme.no}/edit" not in html and "Anonymise" not in html


def test_entries_are_paged(client: FlaskClient, login: Callable, make_contact: Callable, log_entry: Callable) -> None:
    login("ann")
    acme = make_contact("Acme")
    for n in range(25):
        log_entry(acme, f"Letter {n:02d}")
    fragment = client.get(f"/contacts/{acme.no}/entries?entries_page=2", headers=HX).get_data(as_text=True)
    assert fragment.count("<tr data-entry") == 5 and "Page 2 of 2" in fragment and "<html" not in fragment
    assert client.get(f"/contacts/{acme.no}/entries?entries_page=2").status_code == 302
    previous = one(parse(fragment), "//a[@rel='prev']")
    assert previous.get("href") == f"/contacts/{acme.no}?entries_page=1#entries"
    assert (previous.get("hx-get"), previous.get("hx-target")) == (
        f"/contacts/{acme.no}/entries?entries_page=1",
        "#entries",
    )


def test_company_lookup_names_the_company_while_typing(
    client: FlaskClient, login: Callable, make_contact: Callable
) -> None:
    login("ann")
    acme = make_contact("Acme <S.r.l.>")
    anna = make_contact("Anna", company=acme)
    assert (
        client.get(f"/contacts/company-lookup?company_no={acme.no.lower()}", headers=HX).get_data(as_text=True).strip()
        == "Acme &lt;S.r.l.&gt;"
    )
    assert "is a person" in client.get(f"/contacts/company-lookup?company_no={anna.no}", headers=HX).get_data(
        as_text=True
    )
    assert "does not exist" in client.get("/contacts/company-lookup?company_no=NOPE", headers=HX).get_data(as_text=True)
    form = client.get(f"/contacts/new?type=person&company={acme.no}").get_data(as_text=True)
    assert 'hx-get="/contacts/company-lookup"' in form and 'list="list-salesperson_code"' in form
    assert '<option value="MR">Mario Rossi</option>' in form


def test_card_speaks_italian(
    client: FlaskClient, login: Callable, make_contact: Callable, db: Any, log_entry: Callable
) -> None:
    from segapp.models import Evaluation

    login("ann", language="it")
    acme = make_contact("Acme")
    entry = log_entry(acme, "Telefonata")
    entry.evaluation = Evaluation.VERY_POSITIVE
    db.session.commit()
    html = client.get(f"/contacts/{acme.no}").get_data(as_text=True)
    assert "Società" in html and "Movimenti log interazione" in html and "Molto positiva" in html
    assert "Contatti: 1" in client.get("/contacts/").get_data(as_text=True)
