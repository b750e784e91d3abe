"""No input gives a server error: every route of the URL map, signed in as administrator, with lists
of more than one page, gets hostile values in every path parameter, in every query argument the views
read, in every field of every form the pages show and in every header and line field."""

import ast
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.utils import cached_property

from segapp.models import (
    Contact,
    ContactType,
    InteractionLogEntry,
    InteractionTemplate,
    Language,
    LoggedSegment,
    MailingGroup,
    NumberSeries,
    ProfileAnswer,
    ProfileQuestionnaire,
    Role,
    Salutation,
    SegmentLine,
    TemplateDocument,
)
from segapp.segments.columns import HEADER_COLUMNS, SECTION_KEYS
from segapp.services.delivery.consent import unsubscribe_token
from segapp.services.demo import load_demo_data
from segapp.services.jobs import job_file_ids, run_job_now, start_job
from segapp.services.segments.lines import LINE_FIELDS, add_line, delete_line
from segapp.services.segments.records import create_segment
from segapp.services.users import create_user
from segapp.setup.registry import REGISTRY
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [str(2**63), str(2**31), "-1", "²", "1E+999999999999999999", "sNaN", "\x00", "x" * 10_000]
# url_for's own keywords: a view that passed the query string on to url_for would break on them.
URL_FOR_KEYWORDS = {"endpoint", "_method", "_external", "_anchor", "_scheme"}
HX = {"HX-Request": "true"}
SKIPPED_FORMS = ("/auth/logout", "/contacts/import")  # signing out ends the walk; uploads: tests/importing

_read_names: set[str] = set()


def _names_in_source() -> set[str]:
    """Query-argument names read in the code: ``<...>args.get("x")``, ``args["x"]``, ``getlist("x")``,
    a reader such as ``page_arg("x")`` (or its default name), and ``request.args.get('x')`` in templates."""
    names: set[str] = set()
    for path in (ROOT / "segapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names |= _names_in_node(node)
    for path in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r"request\.args\.get\(\s*['\"](\w+)['\"]", path.read_text()))
    return names


def _names_in_node(node: ast.AST) -> set[str]:
    def literal(value: ast.AST) -> set[str]:
        return {value.value} if isinstance(value, ast.Constant) and isinstance(value.value, str) else set()

    def is_args(value: ast.AST) -> bool:
        return (isinstance(value, ast.Name) and value.id == "args") or (
            isinstance(value, ast.Attribute) and value.attr == "args"
        )

    if isinstance(node, ast.FunctionDef) and node.name.endswith("_arg"):  # a reader's default name
        return set().union(*(literal(default) for default in node.args.defaults))
    if isinstance(node, ast.Subscript) and is_args(node.value):
        return literal(node.slice)
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist") and is_args(func.value):
            return literal(node.args[0])
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name.endswith("_arg"):
            return literal(node.args[0])
    return set()


class _FormParser(HTMLParser):
    """The forms of a page: method, action and the names of their fields (and their number fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._open = dict(
                method=(attributes.get("method") or "get").lower(),
                action=attributes.get("action"),
                fields={},
                numbers=set(),
            )
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea") and self._open is not None and attributes.get("name"):
            name = attributes["name"]
            if attributes.get("type") in ("submit", "button", "file") or name == "csrf_token":
                return
            self._open["fields"].setdefault(name, attributes.get("value") or "")
            if attributes.get("type") == "number":
                self._open["numbers"].add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _forms(response: Any) -> list[dict[str, Any]]:
    if response.mimetype != "text/html":
        return []
    parser = _FormParser()
    parser.feed(response.get_data(as_text=True))
    return parser.forms


@pytest.fixture
def recording(app: Flask) -> Iterator[set[str]]:
    """Every name a request looks up in ``request.args`` is added to the returned set."""

    class RecordingArgs(app.request_class.parameter_storage_class):  # type: ignore[name-defined]
        def __getitem__(self, key: str) -> Any:
            _read_names.add(key)
            return super().__getitem__(key)

        def __contains__(self, key: object) -> bool:
            _read_names.add(str(key))
            return super().__contains__(key)

        def getlist(self, key: str, type: Any = None) -> list[Any]:
            _read_names.add(key)
            return super().getlist(key, type)

    class RecordingRequest(app.request_class):  # type: ignore[name-defined]
        @cached_property
        def args(self) -> Any:
            return RecordingArgs(super().args)

    original = app.request_class
    app.request_class = RecordingRequest
    try:
        yield _read_names
    finally:
        app.request_class = original


@pytest.fixture
def world(app: Flask, db: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Demo reference data and contacts, three users, three segments, a segment of 30 lines and a
    contact with interaction log entries; every list two items a page, so that each has a next page."""
    import segapp.contacts.card_views
    import segapp.registering.entry_views
    import segapp.registering.registered_views
    import segapp.segments.views

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    monkeypatch.setattr(segapp.segments.views, "PER_PAGE", 2)
    monkeypatch.setattr(segapp.contacts.card_views, "ENTRIES_PER_PAGE", 2)
    monkeypatch.setattr(segapp.registering.registered_views, "ENTRIES_PER_PAGE", 2)
    monkeypatch.setattr(segapp.registering.entry_views, "PER_PAGE", 2)
    session = db.session
    admin = create_user(session, "admin", PASSWORD, role=Role.ADMIN)
    other = create_user(session, "bea", PASSWORD, role=Role.USER)
    create_user(session, "carl", PASSWORD, role=Role.VIEWER)
    load_demo_data(session, companies=4, persons_per_company=3)
    session.commit()
    segments = [create_segment(session, admin) for _ in range(3)]
    contacts = list(session.scalars(select(Contact).where(Contact.privacy_blocked.is_(False)).order_by(Contact.no)))
    lines = [
        add_line(session, segments[0].no, contacts[i % len(contacts)].no, allow_existing=True).line for i in range(30)
    ]
    deleted = delete_line(session, segments[0].no, lines[-1].line_no, lines[-1].version, admin.id)
    assert deleted is not None, "deleting a line with a contact records the action that Ctrl+Z undoes"
    company = next(c for c in contacts if c.type == ContactType.COMPANY)
    registered = LoggedSegment(segment_no="SEGLOG1", description="Calls", creation_date=date(2026, 3, 2))
    session.add(registered)
    session.flush()
    session.add_all(
        InteractionLogEntry(contact_no=company.no, description=f"Call {i}", logged_segment_entry_no=registered.entry_no)
        for i in range(5)
    )
    session.commit()
    # A finished export job with its file, for the jobs pages.
    job_params = {"source": "segment_lines", "format": "csv", "segment_no": segments[0].no, "locale": "en"}
    job_id = start_job(session, "export", params=job_params, total=29, user_id=admin.id).id
    session.commit()
    ((file_id, _name),) = job_file_ids(session, run_job_now(session, job_id))
    questionnaire = session.scalars(select(ProfileQuestionnaire).order_by(ProfileQuestionnaire.code)).first()
    answer = session.scalars(select(ProfileAnswer).order_by(ProfileAnswer.id)).first()
    assert questionnaire is not None and answer is not None, "the demo data should have a questionnaire"
    template = session.scalars(select(InteractionTemplate).order_by(InteractionTemplate.code)).first()
    language = session.scalars(select(Language.code).order_by(Language.code)).first()
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    return dict(
        no=company.no,
        segment_no=segments[0].no,
        line_no=lines[0].line_no,
        field="description",
        action="add",  # a criteria action: add, reduce or refine
        section=SECTION_KEYS[0],
        action_id=deleted.id,
        entry_no=registered.entry_no,
        job_id=job_id,
        file_id=file_id,
        user_id=other.id,
        question_id=answer.question_id,
        answer_id=answer.id,
        code=session.scalars(select(NumberSeries.code)).first(),
        language=language,
        relation_code=session.scalars(select(MailingGroup.code)).first(),
        salutation=session.scalars(select(Salutation.code)).first(),
        template=template.code if template else None,
        # A version of the demo sales letter's Word document.
        document_id=session.scalars(select(TemplateDocument.id).order_by(TemplateDocument.id)).first(),
        questionnaire=questionnaire.code,
        # The signed token of a contact's unsubscribe link (segapp/unsubscribe).
        token=unsubscribe_token(company.no),
        campaign=_first_key(session, REGISTRY["campaigns"]),
        keys={slug: _first_key(session, table) for slug, table in REGISTRY.items()},
    )


def _first_key(session: Any, table: Any) -> str | None:
    return session.scalars(select(getattr(table.model, table.key)).order_by(getattr(table.model, table.key))).first()


def _path_values(rule: Rule, world: dict[str, Any]) -> list[dict[str, Any]]:
    """Values of the rule's path parameters naming records that exist (several for the setup tables)."""
    if rule.endpoint == "contacts.remove_contact_relation":
        return [dict(no=world["no"], kind="mailing_group", code=world["relation_code"])]
    if rule.endpoint == "contacts.add_contact_relation":
        return [dict(no=world["no"], kind="mailing_group")]
    if "kind" in rule.arguments:
        return [
            dict(kind=slug, key=key) if "key" in rule.arguments else dict(kind=slug)
            for slug, key in world["keys"].items()
            if key is not None or "key" not in rule.arguments
        ]
    if "key" in rule.arguments:
        key = {"salutations": "salutation", "interaction-templates": "template", "campaigns": "campaign"}.get(
            rule.rule.split("/")[2], "questionnaire"
        )
        return [{name: world[key] if name == "key" else world[name] for name in rule.arguments}]
    missing = set(rule.arguments) - set(world)
    assert not missing, f"{rule.rule}: give the walk a valid value for {missing}"
    return [{name: world[name] for name in rule.arguments}]


def _url(rule: Rule, values: dict[str, Any]) -> str:
    """The rule's path with the values put in as they are (url_for would refuse the hostile ones)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda match: quote(str(values[match.group(1)]), safe=""), rule.rule)


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _check(response: Any, what: Any) -> None:
    assert response.status_code < 500, (what, response.status_code)


def _assert_still_admin(client: FlaskClient) -> None:
    """The walk ran signed in as the administrator (a walk that was sent to sign-in proves nothing)."""
    assert client.get("/users/").status_code == 200


def test_the_walk_finds_the_arguments_the_views_read() -> None:
    names = _names_in_source()
    assert {"page", "offset", "entries_page", "q", "sort", "dir", "version", "company_no"} <= names


def test_hostile_values_in_every_path_parameter(app: Flask, client: FlaskClient, world: dict[str, Any]) -> None:
    checked = 0
    for rule in _rules(app):
        values = _path_values(rule, world)[0] if rule.arguments else {}
        for name in rule.arguments:
            for hostile in HOSTILE:
                url = _url(rule, dict(values, **{name: hostile}))
                for method in _methods(rule):
                    if url.startswith(SKIPPED_FORMS[0]):
                        continue
                    _check(client.open(url, method=method), (method, rule.rule, name, hostile[:30]))
                    checked += 1
    assert checked > 300
    _assert_still_admin(client)


def test_hostile_values_in_every_query_argument(
    app: Flask, client: FlaskClient, world: dict[str, Any], recording: set[str]
) -> None:
    everything = _names_in_source() | URL_FOR_KEYWORDS
    pages: list[tuple[Rule, str]] = []
    for rule in _rules(app):
        if "GET" in _methods(rule) and rule.endpoint != "auth.first_admin":
            pages.append((rule, _url(rule, _path_values(rule, world)[0] if rule.arguments else {})))
    read_by: dict[str, set[str]] = {}
    for _rule, url in pages:
        recording.clear()
        _check(client.get(url, headers=HX), url)
        page = client.get(url)
        _check(page, url)
        read_by[url] = set(recording) | {n for f in _forms(page) if f["method"] == "get" for n in f["fields"]}
    everything |= set().union(*read_by.values())
    assert {"page", "q", "sort"} <= everything
    for _rule, url in pages:
        for hostile in HOSTILE:
            # Each argument the page reads alone; url_for's keywords beside fine values (so that a list
            # still has a next page); then every argument known anywhere at once (as htmx asks).
            for name in sorted(read_by[url]):
                _check(client.get(url + "?" + urlencode({name: hostile})), (url, name, hostile[:30]))
            _check(client.get(url + "?" + urlencode(dict.fromkeys(URL_FOR_KEYWORDS, hostile))), (url, hostile[:30]))
            _check(client.get(url + "?" + urlencode(dict.fromkeys(everything, hostile)), headers=HX), url)
    # With values that are fine, lists really are several pages long (so the pager links are built).
    assert 'rel="next"' in client.get("/contacts/").get_data(as_text=True)
    assert 'rel="next"' in client.get("/segments/?endpoint=x&_method=POST").get_data(as_text=True)
    _assert_still_admin(client)


def test_hostile_values_in_every_header_and_line_field(client: FlaskClient, world: dict[str, Any], db: Any) -> None:
    no, line_no = world["segment_no"], world["line_no"]
    base, line = f"/segments/{no}", f"/segments/{no}/lines/{line_no}"
    # The version each answer carries, so that every value is read rather than refused as a conflict.
    version = {"header": 1, "line": 1}

    def put(kind: str, url: str, data: dict[str, Any], what: Any) -> None:
        response = client.put(url, data=dict(data, version=version[kind]), headers=HX)
        _check(response, what)
        pattern = r'id="header-version" name="version" value="(\d+)"' if kind == "header" else r'data-version="(\d+)"'
        found = re.search(pattern, response.get_data(as_text=True))
        version[kind] = int(found.group(1)) if found else version[kind]

    for hostile in HOSTILE:
        for field in HEADER_COLUMNS:
            put("header", f"{base}/header/{field}", {"value": hostile}, (field, hostile[:30]))
        for field in LINE_FIELDS:
            put("line", line, {"field": field, "value": hostile}, (field, hostile[:30]))
            put("line", line, {"field": field, "value": "1", "start": hostile}, (field, "start", hostile[:30]))
        _check(client.put(f"{base}/header/description", data={"value": "1", "version": hostile}), hostile[:30])
        _check(client.put(line, data={"field": "cost", "value": "1", "version": hostile}), hostile[:30])
        for field in HEADER_COLUMNS:
            data = {"old_value": hostile, "only_unchanged": hostile}
            _check(client.post(f"{base}/header/{field}/lines", data=data, headers=HX), (field, hostile[:30]))
        _check(client.put(f"/segments/sections/{SECTION_KEYS[0]}", data={"open": hostile}), hostile[:30])
        data = {"contact_no": hostile, "allow_existing": hostile}
        _check(client.post(f"{base}/lines", data=data, headers=HX), hostile[:30])
    for hostile in HOSTILE:
        _check(client.delete(line + "?" + urlencode({"version": hostile}), headers=HX), hostile[:30])
        _check(client.delete(line, data={"version": hostile}, headers=HX), hostile[:30])
    db.session.rollback()
    assert db.session.get(SegmentLine, (no, line_no)) is not None, "a delete without the line's version deleted it"
    _assert_still_admin(client)


def test_hostile_values_in_every_field_of_every_form(app: Flask, client: FlaskClient, world: dict[str, Any]) -> None:
    forms: dict[str, dict[str, Any]] = {}
    for rule in _rules(app):
        if "GET" not in _methods(rule) or rule.endpoint == "auth.first_admin":
            continue
        for values in _path_values(rule, world) if rule.arguments else [{}]:
            url = _url(rule, values)
            for form in _forms(client.get(url)):
                action = urlsplit(form["action"] or url).path
                if form["method"] == "post" and form["fields"] and not action.startswith(SKIPPED_FORMS):
                    forms.setdefault(action, form)
    assert any(form["numbers"] for form in forms.values()), "no form with a number field was found"
    # Deleting, anonymising and one's own account last, so that the other forms still find their records.
    for action in sorted(forms, key=lambda a: ("delete" in a or "anonymise" in a or a.startswith("/auth"), a)):
        if action.startswith("/auth"):
            _assert_still_admin(client)
        form = forms[action]
        for hostile in HOSTILE:
            data = dict.fromkeys(form["fields"], hostile)
            _check(client.post(action, data=data), (action, hostile[:30]))
            for name in sorted(form["numbers"]):
                data = dict(form["fields"], **{name: hostile})
                _check(client.post(action, data=data), (action, name, hostile[:30]))
    assert len(forms) > 20
