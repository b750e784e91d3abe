"""The generic setup views through the client: list, search, create, edit, delete."""

from flask.testing import FlaskClient
from sqlalchemy import select

from segapp.models import Campaign, MailingGroup, Role, Salesperson


def test_overview_links_every_setup_list(admin: FlaskClient) -> None:
    html = admin.get("/setup/").get_data(as_text=True)
    for slug in (
        "salespeople",
        "territories",
        "countries",
        "languages",
        "mailing-groups",
        "industry-groups",
        "business-relations",
        "job-responsibilities",
        "salutations",
        "campaigns",
        "interaction-groups",
        "interaction-templates",
        "profile-questionnaires",
    ):
        assert f'href="/setup/{slug}/"' in html
    assert 'href="/setup/company-information"' in html
    assert 'href="/setup/marketing"' in html
    assert 'href="/setup/number-series/"' in html


def test_create_edit_and_delete_a_mailing_group(admin: FlaskClient, reload) -> None:
    response = admin.post("/setup/mailing-groups/new", data={"code": "  news ", "description": "Newsletter"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/setup/mailing-groups/NEWS/edit")
    assert "Newsletter" in admin.get("/setup/mailing-groups/").get_data(as_text=True)

    response = admin.post("/setup/mailing-groups/NEWS/edit", data={"description": "Monthly news"})
    assert response.status_code == 302
    assert reload(MailingGroup, "NEWS").description == "Monthly news"

    response = admin.post("/setup/mailing-groups/NEWS/delete", follow_redirects=True)
    assert "is deleted" in response.get_data(as_text=True)
    assert reload(MailingGroup, "NEWS") is None


def test_duplicate_code_is_refused_next_to_the_field(admin: FlaskClient, make_reference) -> None:
    make_reference(MailingGroup, code="NEWS", description="Newsletter")
    response = admin.post("/setup/mailing-groups/new", data={"code": "news", "description": "Again"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and "NEWS already exists" in html


def test_bad_input_gives_messages_not_errors(admin: FlaskClient) -> None:
    response = admin.post("/setup/salespeople/new", data={"code": "", "email": "not-an-email"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and 'id="email-error"' in html
    response = admin.post("/setup/languages/new", data={"code": "X" * 21, "name": "n"})
    assert response.status_code == 422
    response = admin.post("/setup/languages/new", data={"code": "A/B", "name": "n"})
    assert response.status_code == 422 and "slashes" in response.get_data(as_text=True)
    response = admin.post(
        "/setup/interaction-templates/new",
        data={"code": "T", "unit_cost": "-1", "unit_duration": "abc", "interaction_group_code": "NOPE"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="unit_cost-error"' in html and 'id="unit_duration-error"' in html
    assert 'id="interaction_group_code-error"' in html
    assert admin.get("/setup/nothing/").status_code == 404
    assert admin.get("/setup/languages/NOPE/edit").status_code == 404


def test_delete_in_use_is_refused_and_names_the_usage(admin: FlaskClient, reload, make_reference, make_contact) -> None:
    make_reference(Salesperson, code="MR", name="Mario")
    for name in ("A", "B"):
        make_contact(name, salesperson_code="MR")
    response = admin.post("/setup/salespeople/MR/delete", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Salesperson MR is used by 2 contacts" in html
    assert reload(Salesperson, "MR") is not None


def test_list_searches_and_paginates(admin: FlaskClient, db, app) -> None:
    db.session.add_all([MailingGroup(code=f"G{n:03d}", description=f"Group {n}") for n in range(60)])
    db.session.add(MailingGroup(code="XMAS", description="Christmas card"))
    db.session.commit()
    html = admin.get("/setup/mailing-groups/").get_data(as_text=True)
    assert "G000" in html and "XMAS" not in html and "?page=2" in html
    fragment = admin.get("/setup/mailing-groups/?q=christ", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "XMAS" in fragment and "G001" not in fragment
    assert "XMAS" in admin.get("/setup/mailing-groups/?page=2").get_data(as_text=True)


def test_new_campaign_takes_the_next_campaign_number(admin: FlaskClient, db, make_reference) -> None:
    make_reference(Salesperson, code="MR", name="Mario")
    response = admin.post(
        "/setup/campaigns/new",
        data={
            "description": "Fair",
            "starting_date": "2026-03-01",
            "ending_date": "2026-03-31",
            "salesperson_code": "MR",
            "status": "active",
        },
    )
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.no == "CP0001" and campaign.status == "active"
    response = admin.post(
        "/setup/campaigns/new",
        data={"description": "Bad", "starting_date": "2026-03-31", "ending_date": "2026-03-01", "status": "planned"},
    )
    assert response.status_code == 422 and 'id="ending_date-error"' in response.get_data(as_text=True)
    response = admin.post(
        "/setup/campaigns/new", data={"description": "Bad", "starting_date": "31/02/2026", "status": "x"}
    )
    assert response.status_code == 422


def test_viewer_sees_setup_without_edit_buttons(client: FlaskClient, login, make_reference) -> None:
    make_reference(MailingGroup, code="NEWS", description="Newsletter")
    login("vera", role=Role.VIEWER)
    html = client.get("/setup/mailing-groups/").get_data(as_text=True)
    assert "NEWS" in html and "/setup/mailing-groups/new" not in html
    html = client.get("/setup/mailing-groups/NEWS/edit").get_data(as_text=True)
    assert "Newsletter" in html and "/delete" not in html and 'type="submit" class="primary"' not in html
    assert client.post("/setup/mailing-groups/NEWS/delete").status_code == 403


def test_user_cannot_change_setup(client: FlaskClient, login) -> None:
    login("ursula", role=Role.USER)
    assert client.get("/setup/languages/").status_code == 200
    assert client.post("/setup/languages/new", data={"code": "ITA", "name": "Italiano"}).status_code == 403
    assert client.get("/users/").status_code == 403


def test_no_input_gives_a_server_error(admin: FlaskClient, db) -> None:
    from segapp.services.demo import load_demo_data
    from segapp.setup.registry import TABLES

    load_demo_data(db.session, companies=1, persons_per_company=1)
    db.session.commit()
    odd = {
        "code": "ZZ",
        "description": "x" * 300,
        "name": "\u00e8",
        "unit_cost": "1e40",
        "unit_duration": "NaN",
        "starting_date": "2026-13-01",
        "salesperson_code": "OLD",
        "status": "nope",
        "applies_to": "",
        "interaction_group_code": "",
        "language_code": "ZZZ",
        "email": "@",
        "campaign_no": "CP0001",
    }
    for table in TABLES:
        for data in ({}, {"code": "ZZ"}, odd):
            response = admin.post(f"/setup/{table.slug}/new", data=data)
            assert response.status_code in (302, 422), (table.slug, data, response.status_code)
            key = (
                "CP0001"
                if table.numbered
                else db.session.scalars(
                    select(getattr(table.model, table.key)).order_by(getattr(table.model, table.key))
                ).first()
            )
            response = admin.post(f"/setup/{table.slug}/{key}/edit", data=data)
            assert response.status_code in (302, 422), (table.slug, key, data, response.status_code)


def test_htmx_edit_answers_the_form_fragment_or_a_redirect(admin: FlaskClient, make_reference, reload) -> None:
    make_reference(Salesperson, code="MR", name="Mario")
    hx = {"HX-Request": "true"}
    response = admin.post("/setup/salespeople/MR/edit", data={"name": "Mario", "email": "nope"}, headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'id="record-form"' in html and 'id="email-error"' in html
    response = admin.post(
        "/setup/salespeople/MR/edit", data={"name": "Mario Rossi", "email": "mr@example.com"}, headers=hx
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/setup/salespeople/MR/edit"
    assert reload(Salesperson, "MR").email == "mr@example.com"
    response = admin.post("/setup/salespeople/new", data={"code": "mr", "name": "Again"}, headers=hx)
    assert response.status_code == 422 and "MR already exists" in response.get_data(as_text=True)


def test_usage_message_speaks_italian(client: FlaskClient, login, make_reference, make_contact) -> None:
    make_reference(Salesperson, code="MR", name="Mario")
    make_reference(Campaign, no="CP9", salesperson_code="MR")
    make_contact("A", salesperson_code="MR")
    make_contact("B", salesperson_code="MR")
    login("admin", role=Role.ADMIN, language="it")
    html = client.post("/setup/salespeople/MR/delete", follow_redirects=True).get_data(as_text=True)
    assert "Venditore MR è usato da 2 contatti e 1 campagna" in html


def test_viewer_sees_marketing_setup_read_only(client: FlaskClient, login, db) -> None:
    from segapp.services.setup.settings import save_marketing_setup

    save_marketing_setup(db.session, {"smtp_user": "hidden-account"})
    db.session.commit()
    login("vera", role=Role.VIEWER)
    html = client.get("/setup/marketing").get_data(as_text=True)
    assert "hidden-account" not in html and "<fieldset disabled>" in html and 'class="primary"' not in html
