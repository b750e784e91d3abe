"""Pages with a detail section, the single-row setup pages and number series, through the client."""

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import (
    InteractionGroup,
    InteractionTemplate,
    Language,
    MarketingSetup,
    NumberSeries,
    ProfileAnswer,
    ProfileQuestion,
    Salutation,
    SalutationFormula,
)
from segapp.services.demo import load_demo_data
from segapp.setup.registry import TABLES


def test_every_setup_page_opens_with_demo_data(admin: FlaskClient, db) -> None:
    load_demo_data(db.session, companies=3, persons_per_company=2)
    db.session.commit()
    for table in TABLES:
        html = admin.get(f"/setup/{table.slug}/").get_data(as_text=True)
        links = re.findall(rf'href="(/setup/{table.slug}/[^"/]+/edit)"', html)
        assert links, table.slug
        assert admin.get(links[0]).status_code == 200, links[0]
        assert admin.get(f"/setup/{table.slug}/new").status_code == 200
    for url in (
        "/setup/",
        "/setup/company-information",
        "/setup/marketing",
        "/setup/number-series/",
        "/setup/number-series/SEGMENT/edit",
        "/users/",
        "/users/new",
    ):
        assert admin.get(url).status_code == 200, url


def test_new_template_form_defaults_to_email(admin: FlaskClient, make_reference) -> None:
    make_reference(InteractionGroup, code="LETTER", description="Letters")
    html = admin.get("/setup/interaction-templates/new").get_data(as_text=True)
    assert re.search(r'<option selected value="email">', html)
    response = admin.post(
        "/setup/interaction-templates/new",
        data={
            "code": "call",
            "interaction_group_code": "LETTER",
            "unit_cost": "2.50",
            "unit_duration": "10",
            "correspondence_type": "email",
            "information_flow": "",
            "initiated_by": "us",
            "campaign_no": "",
            "language_code": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_template_language_rows(admin: FlaskClient, db, make_reference) -> None:
    make_reference(InteractionGroup, code="G")
    make_reference(Language, code="ITA", name="Italiano")
    make_reference(InteractionTemplate, code="T", interaction_group_code="G")
    response = admin.post(
        "/setup/interaction-templates/T/languages",
        data={"language-language_code": "ITA", "language-subject": "La nostra offerta"},
        follow_redirects=True,
    )
    assert "La nostra offerta" in response.get_data(as_text=True)
    response = admin.post(
        "/setup/interaction-templates/T/languages", data={"language-language_code": "XXX", "language-subject": "x"}
    )
    assert response.status_code == 422 and 'id="language-language_code-error"' in response.get_data(as_text=True)
    admin.post("/setup/interaction-templates/T/languages/ITA/delete")
    db.session.rollback()
    assert db.session.get(InteractionTemplate, "T").languages == []


def test_salutation_formulas_refuse_unknown_placeholders(admin: FlaskClient, db, make_reference) -> None:
    make_reference(Salutation, code="F", description="Woman")
    make_reference(Language, code="ITA", name="Italiano")
    response = admin.post(
        "/setup/salutations/F/formulas",
        data={"formula-language_code": "ITA", "formula-formal": "Gentile {titel} {surname}", "formula-informal": ""},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="formula-formal-error"' in html and "Unknown placeholder {titel}" in html
    response = admin.post(
        "/setup/salutations/F/formulas",
        follow_redirects=True,
        data={
            "formula-language_code": "ITA",
            "formula-formal": "Gentile {title} {surname}",
            "formula-informal": "Cara {first_name}",
        },
    )
    assert "Cara {first_name}" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(SalutationFormula, ("F", "ITA")).formal == "Gentile {title} {surname}"


def test_questionnaire_questions_and_answers(admin: FlaskClient, db) -> None:
    admin.post(
        "/setup/profile-questionnaires/new", data={"code": "size", "description": "Size", "applies_to": "company"}
    )
    admin.post("/setup/profile-questionnaires/SIZE/questions", data={"question-description": "Employees"})
    question = db.session.scalars(select(ProfileQuestion)).one()
    admin.post(f"/setup/questions/{question.id}/answers", data={"description": "1-9"})
    response = admin.post(f"/setup/questions/{question.id}/answers", data={"description": "10+"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Employees" in html and 'value="1-9"' in html and 'value="10+"' in html
    response = admin.post(f"/setup/questions/{question.id}/answers", data={"description": ""}, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    db.session.rollback()
    answers = db.session.scalars(select(ProfileAnswer.description).order_by(ProfileAnswer.line_no)).all()
    assert answers == ["1-9", "10+"]
    admin.post(f"/setup/questions/{question.id}/delete")
    db.session.rollback()
    assert db.session.scalars(select(ProfileAnswer)).all() == []


def test_marketing_setup_never_shows_the_smtp_password(app, admin: FlaskClient, db, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "s3cret-pw")
    html = admin.get("/setup/marketing").get_data(as_text=True)
    assert "s3cret-pw" not in html and "which is set" in html
    data = {
        "contact_series_code": "CONTACT",
        "segment_series_code": "SEGMENT",
        "campaign_series_code": "CAMPAIGN",
        "default_correspondence_type": "email",
        "default_language_code": "",
        "max_attachment_kb": "100",
        "max_storage_mb": "10",
        "smtp_host": "smtp.example.com",
        "smtp_port": "587",
        "smtp_user": "me",
        "smtp_password": "typed-pw",
        "smtp_security": "ssl",
        "sender_email": "",
        "sender_name": "",
        "emails_per_minute": "30",
    }
    assert admin.post("/setup/marketing", data=data).status_code == 302
    html = admin.get("/setup/marketing").get_data(as_text=True)
    assert "s3cret-pw" not in html and "typed-pw" not in html and "smtp.example.com" in html
    assert admin.post("/setup/marketing", data=dict(data, smtp_port="0")).status_code == 422
    assert admin.post("/setup/marketing", data=dict(data, smtp_security="plain")).status_code == 422
    assert admin.post("/setup/marketing", data=dict(data, smtp_password="", max_storage_mb="x")).status_code == 422
    assert (
        admin.post("/setup/marketing", data=dict(data, smtp_password="", segment_series_code="NOPE")).status_code == 422
    )
    assert admin.post("/setup/marketing", data=dict(data, smtp_password="")).status_code == 302
    db.session.rollback()
    setup = db.session.get(MarketingSetup, 1)
    assert setup.smtp_security == "ssl" and setup.default_correspondence_type == "email"
    assert "typed-pw" not in str(vars(setup))


def test_company_information_and_number_series(admin: FlaskClient, db) -> None:
    response = admin.post("/setup/company-information", data={"name": "Our S.r.l.", "country_code": "", "email": "x"})
    assert response.status_code == 422 and 'id="email-error"' in response.get_data(as_text=True)
    response = admin.post("/setup/company-information", data={"name": "Our S.r.l.", "country_code": ""})
    assert response.status_code == 302
    response = admin.post(
        "/setup/number-series/SEGMENT/edit", data={"description": "S", "prefix": "SG", "width": "4", "next_number": "0"}
    )
    assert response.status_code == 422 and 'id="next_number-error"' in response.get_data(as_text=True)
    response = admin.post(
        "/setup/number-series/SEGMENT/edit", data={"description": "S", "prefix": "SG", "width": "4", "next_number": "7"}
    )
    assert response.status_code == 302
    assert "SG0007" in admin.get("/setup/number-series/").get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(NumberSeries, "SEGMENT").next_number == 7
