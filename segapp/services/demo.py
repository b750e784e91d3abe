"""Demo data: a believable Italian and English customer base, generated reproducibly."""

import random
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from segapp.models import (
    BusinessRelation,
    Campaign,
    CampaignStatus,
    CompanyInformation,
    Contact,
    ContactBusinessRelation,
    ContactIndustryGroup,
    ContactJobResponsibility,
    ContactMailingGroup,
    ContactProfileAnswer,
    ContactType,
    CorrespondenceType,
    CountryRegion,
    IndustryGroup,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateLanguage,
    JobResponsibility,
    Language,
    MailingGroup,
    MarketingSetup,
    ProfileAnswer,
    ProfileQuestion,
    ProfileQuestionnaire,
    QuestionnaireAppliesTo,
    Role,
    Salesperson,
    Salutation,
    SalutationFormula,
    SegmentLine,
    Territory,
    User,
)
from segapp.numbers import count_text, show_number
from segapp.services.contacts.relations import LINK_MODELS
from segapp.services.demo_history import remove_demo_history
from segapp.services.documents.starter import example_letter
from segapp.services.documents.templates import upload_template_document
from segapp.services.errors import ServiceError
from segapp.services.setup.number_series import CAMPAIGN_SERIES, next_number, series_for

ITALIAN_FIRST = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Matteo",
    "Elena",
    "Davide",
    "Martina",
    "Niccolò",
    "Federica",
    "Giorgio",
    "Valentina",
    "Andrea",
]
ITALIAN_LAST = [
    "Rossi",
    "Bianchi",
    "Esposito",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "D'Amico",
    "Fontana",
]
ENGLISH_FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Jack",
    "Emily",
    "Thomas",
    "Sophie",
    "James",
    "Grace",
    "William",
    "Lily",
    "Henry",
    "Chloe",
]
ENGLISH_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
]
ITALIAN_CITIES = [
    ("Milano", "20121", "MI"),
    ("Roma", "00184", "RM"),
    ("Torino", "10121", "TO"),
    ("Napoli", "80133", "NA"),
    ("Bologna", "40121", "BO"),
    ("Firenze", "50122", "FI"),
    ("Verona", "37121", "VR"),
    ("Genova", "16121", "GE"),
    ("Padova", "35122", "PD"),
]
ENGLISH_CITIES = [
    ("London", "EC1A 1BB", "Greater London"),
    ("Manchester", "M1 1AE", "Greater Manchester"),
    ("Leeds", "LS1 4AP", "West Yorkshire"),
    ("Bristol", "BS1 4DJ", "Bristol"),
    ("Edinburgh", "EH1 1YZ", "Midlothian"),
]
COMPANY_WORDS_IT = [
    "Officine",
    "Costruzioni",
    "Tessuti",
    "Alimentari",
    "Meccanica",
    "Logistica",
    "Arredamenti",
    "Ceramiche",
    "Vini",
    "Informatica",
]
COMPANY_WORDS_EN = [
    "Engineering",
    "Foods",
    "Logistics",
    "Textiles",
    "Software",
    "Furniture",
    "Consulting",
    "Print",
    "Energy",
    "Retail",
]
STREETS_IT = ["Via Roma", "Corso Italia", "Via Garibaldi", "Via Dante", "Viale Europa", "Via Manzoni"]
STREETS_EN = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane"]


# Demo contacts are numbered DEMO-00001… outside the contact number series: the user's own contacts never
# take such a number from the series, so the demo's rows can be told apart and removed.
DEMO_PREFIX = "DEMO-"
DEMO_LANGUAGES = ("en", "it")
DEMO_TEXTS_IT = {
    "Italy": "Italia",
    "Northern Italy": "Nord Italia",
    "Central Italy": "Centro Italia",
    "Southern Italy": "Sud Italia",
    "United Kingdom": "Regno Unito",
    "Account manager": "Responsabile clienti",
    "Sales director": "Direttore commerciale",
    "Key account": "Key account",
    "Inside sales": "Vendite interne",
    "Newsletter": "Newsletter",
    "Christmas card": "Biglietto di Natale",
    "Event invitations": "Inviti agli eventi",
    "Retail": "Commercio al dettaglio",
    "Manufacturing": "Produzione",
    "Food and beverage": "Alimentari e bevande",
    "Services": "Servizi",
    "Customer": "Cliente",
    "Prospect": "Potenziale cliente",
    "Supplier": "Fornitore",
    "Chief executive": "Amministratore delegato",
    "Purchasing": "Acquisti",
    "Sales": "Vendite",
    "IT": "Informatica",
    "Man": "Uomo",
    "Woman": "Donna",
    "Company": "Società",
    "Letters": "Lettere",
    "E-mails": "E-mail",
    "Phone calls": "Telefonate",
    "Spring trade fair": "Fiera di primavera",
    "Sales letter": "Lettera commerciale",
    "Trade fair invitation": "Invito alla fiera",
    "Company size": "Dimensione della società",
    "Employees": "Dipendenti",
}


def demo_number(k: int) -> str:
    """The no. of the k-th demo contact."""
    return f"{DEMO_PREFIX}{k:05d}"


# The demo's own company information: an installation still showing it has not been set up yet.
DEMO_COMPANY_NAME = "Segapp Demo S.r.l."


def database_is_empty(session: Session) -> bool:
    """True when there are no contacts yet."""
    return session.scalar(select(func.count()).select_from(Contact)) == 0


def needs_first_steps(contacts: int, company_name: str | None) -> bool:
    """True for a new installation: no contacts yet, or the company information still blank or the demo's."""
    return not contacts or not (company_name or "").strip() or company_name == DEMO_COMPANY_NAME


def load_demo_data(
    session: Session, companies: int = 300, persons_per_company: int = 7, seed: int = 7, language: str = "en"
) -> int:
    """Insert reference data (described in ``language``, "it" or "en") and contacts; returns the number of contacts."""
    rng = random.Random(seed)
    _load_reference_data(session, language)
    company_rows, person_rows = _contact_rows(session, rng, companies, persons_per_company)
    session.execute(insert(Contact), company_rows + person_rows)
    _load_relations(session, rng, company_rows, person_rows)
    return len(company_rows) + len(person_rows)


def demo_language(session: Session, system_locale: str = "") -> str:
    """The demo's language by default: the first administrator's, else the system locale's (``it_IT.UTF-8``), else en."""
    language = session.scalar(select(User.language).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    for candidate in (language or "", system_locale[:2]):
        if candidate in DEMO_LANGUAGES:
            return candidate
    return "en"


def remove_demo_data(session: Session) -> int:
    """Delete the demo contacts with their relations and the demo history; refused while one is on a segment line
    or in the interaction log of a segment registered by a user."""
    remove_demo_history(session)
    demo = Contact.no.startswith(DEMO_PREFIX, autoescape=True)
    demo_nos = select(Contact.no).where(demo)
    on_lines = session.scalar(
        select(func.count(func.distinct(SegmentLine.contact_no))).where(SegmentLine.contact_no.in_(demo_nos))
    )
    logged = session.scalar(
        select(func.count(func.distinct(InteractionLogEntry.contact_no))).where(
            InteractionLogEntry.contact_no.in_(demo_nos)
        )
    )
    if on_lines or logged:
        raise ServiceError(
            _(
                "Demo contacts are in use: %(lines)s on segment lines, %(logged)s in the interaction log. "
                "Delete those segments (or keep the demo data) first.",
                lines=show_number(on_lines),
                logged=show_number(logged),
            )
        )
    own_persons = session.scalar(
        select(func.count()).select_from(Contact).where(~demo, Contact.company_no.in_(demo_nos))
    )
    if own_persons:
        raise ServiceError(
            count_text(
                "%(num)s of your own persons belongs to a demo company; move it to another company first.",
                "%(num)s of your own persons belong to a demo company; move them to another company first.",
                own_persons,
            )
        )
    for model in LINK_MODELS:
        session.execute(delete(model).where(model.contact_no.in_(demo_nos)))
    session.execute(update(Contact).where(demo).values(company_no=None))
    return session.execute(delete(Contact).where(demo)).rowcount


def _load_reference_data(session: Session, language: str = "en") -> None:
    def _t(text: str) -> str:
        return DEMO_TEXTS_IT.get(text, text) if language == "it" else text

    default_language = "ITA" if language == "it" else "ENU"
    campaign_no = next_number(session, series_for(session, CAMPAIGN_SERIES))
    session.add_all(
        [
            Language(code="ITA", name="Italiano"),
            Language(code="ENU", name="English"),
            CountryRegion(code="IT", name=_t("Italy")),
            CountryRegion(code="GB", name=_t("United Kingdom")),
            Territory(code="NORD", name=_t("Northern Italy")),
            Territory(code="CENTRO", name=_t("Central Italy")),
            Territory(code="SUD", name=_t("Southern Italy")),
            Territory(code="UK", name=_t("United Kingdom")),
            Salesperson(
                code="MR", name="Mario Rossi", email="mario.rossi@example.com", job_title=_t("Account manager")
            ),
            Salesperson(
                code="LB", name="Laura Bianchi", email="laura.bianchi@example.com", job_title=_t("Sales director")
            ),
            Salesperson(code="JS", name="John Smith", email="john.smith@example.com", job_title=_t("Key account")),
            Salesperson(code="AV", name="Anna Verdi", email="anna.verdi@example.com", job_title=_t("Inside sales")),
            Salesperson(code="OLD", name="Piero Vecchi", blocked=True),
            MailingGroup(code="NEWS", description=_t("Newsletter")),
            MailingGroup(code="XMAS", description=_t("Christmas card")),
            MailingGroup(code="EVENTS", description=_t("Event invitations")),
            IndustryGroup(code="RETAIL", description=_t("Retail")),
            IndustryGroup(code="MANUF", description=_t("Manufacturing")),
            IndustryGroup(code="FOOD", description=_t("Food and beverage")),
            IndustryGroup(code="SERVICES", description=_t("Services")),
            BusinessRelation(code="CUST", description=_t("Customer")),
            BusinessRelation(code="PROS", description=_t("Prospect")),
            BusinessRelation(code="SUPP", description=_t("Supplier")),
            JobResponsibility(code="CEO", description=_t("Chief executive")),
            JobResponsibility(code="PURCH", description=_t("Purchasing")),
            JobResponsibility(code="SALES", description=_t("Sales")),
            JobResponsibility(code="IT", description=_t("IT")),
            Salutation(code="M", description=_t("Man")),
            Salutation(code="F", description=_t("Woman")),
            Salutation(code="C", description=_t("Company")),
            InteractionGroup(code="LETTER", description=_t("Letters")),
            InteractionGroup(code="EMAIL", description=_t("E-mails")),
            InteractionGroup(code="PHONE", description=_t("Phone calls")),
        ]
    )
    session.flush()
    session.add_all(
        [
            SalutationFormula(
                salutation_code="M",
                language_code="ITA",
                formal="Egregio {title} {surname}",
                informal="Caro {first_name}",
            ),
            SalutationFormula(
                salutation_code="F",
                language_code="ITA",
                formal="Gentile {title} {surname}",
                informal="Cara {first_name}",
            ),
            SalutationFormula(
                salutation_code="C",
                language_code="ITA",
                formal="Spettabile {company_name}",
                informal="Spettabile {company_name}",
            ),
            SalutationFormula(
                salutation_code="M", language_code="ENU", formal="Dear Mr {surname}", informal="Dear {first_name}"
            ),
            SalutationFormula(
                salutation_code="F", language_code="ENU", formal="Dear Ms {surname}", informal="Dear {first_name}"
            ),
            SalutationFormula(
                salutation_code="C", language_code="ENU", formal="Dear Sir or Madam", informal="Dear all"
            ),
            Campaign(
                no=campaign_no,
                description=_t("Spring trade fair"),
                starting_date=date.today(),
                ending_date=date.today() + timedelta(days=60),
                salesperson_code="LB",
                status=CampaignStatus.ACTIVE,
            ),
        ]
    )
    session.flush()
    session.add_all(
        [
            InteractionTemplate(
                code="LETTER",
                description=_t("Sales letter"),
                interaction_group_code="LETTER",
                unit_cost=Decimal("1.20"),
                unit_duration=Decimal("5"),
                information_flow=InformationFlow.OUTBOUND,
                initiated_by=InitiatedBy.US,
                correspondence_type=CorrespondenceType.HARD_COPY,
                language_code=default_language,
                languages=[
                    InteractionTemplateLanguage(language_code="ITA", subject="La nostra offerta"),
                    InteractionTemplateLanguage(language_code="ENU", subject="Our offer"),
                ],
            ),
            InteractionTemplate(
                code="INVITE",
                description=_t("Trade fair invitation"),
                interaction_group_code="EMAIL",
                unit_cost=Decimal("0.10"),
                unit_duration=Decimal("1"),
                information_flow=InformationFlow.OUTBOUND,
                initiated_by=InitiatedBy.US,
                campaign_no=campaign_no,
                campaign_target=True,
                correspondence_type=CorrespondenceType.EMAIL,
                language_code=default_language,
                languages=[
                    InteractionTemplateLanguage(language_code="ITA", subject="Invito alla fiera"),
                    InteractionTemplateLanguage(language_code="ENU", subject="Invitation to the fair"),
                ],
            ),
            ProfileQuestionnaire(
                code="SIZE",
                description=_t("Company size"),
                applies_to=QuestionnaireAppliesTo.COMPANY,
                questions=[
                    ProfileQuestion(
                        line_no=10,
                        description=_t("Employees"),
                        answers=[
                            ProfileAnswer(line_no=10, description="1-9"),
                            ProfileAnswer(line_no=20, description="10-49"),
                            ProfileAnswer(line_no=30, description="50+"),
                        ],
                    )
                ],
            ),
        ]
    )
    info = session.get(CompanyInformation, 1) or CompanyInformation(id=1)
    info.name, info.address, info.post_code, info.city = DEMO_COMPANY_NAME, "Via Torino 10", "20123", "Milano"
    info.country_code, info.phone, info.email = "IT", "+39 02 1234567", "info@example.com"
    info.vat_no, info.bank_name, info.iban = "IT01234567890", "Banca Demo", "IT60X0542811101000000123456"
    session.merge(info)
    setup = session.get(MarketingSetup, 1)
    if setup is not None:
        setup.default_language_code = default_language
    session.flush()
    _load_template_documents(session)


def _load_template_documents(session: Session) -> None:
    """The sales letter's Word document in Italian and English: the starter's example letter."""
    letter = session.get(InteractionTemplate, "LETTER")
    for language, locale, file_name in (("ITA", "it", "lettera.docx"), ("ENU", "en", "letter.docx")):
        upload_template_document(session, letter, language, file_name, example_letter(locale), user_id=None)


def _contact_rows(
    session: Session, rng: random.Random, companies: int, per_company: int
) -> tuple[list[dict], list[dict]]:
    """Build company and person rows; persons belong to companies."""
    person_counts = [rng.randint(max(1, per_company - 4), per_company + 4) for _ in range(companies)]
    numbers = iter(demo_number(k) for k in range(1, companies + sum(person_counts) + 1))
    salespeople = ["MR", "LB", "JS", "AV"]
    company_rows: list[dict] = []
    person_rows: list[dict] = []
    for index in range(companies):
        italian = rng.random() < 0.7
        city, post_code, county = rng.choice(ITALIAN_CITIES if italian else ENGLISH_CITIES)
        surname = rng.choice(ITALIAN_LAST if italian else ENGLISH_LAST)
        word = rng.choice(COMPANY_WORDS_IT if italian else COMPANY_WORDS_EN)
        name = f"{word} {surname} {'S.p.A.' if italian and index % 3 == 0 else 'S.r.l.' if italian else 'Ltd'}"
        company_no = next(numbers)
        domain = f"{word}{surname}".lower().replace("'", "").replace(" ", "") + (".it" if italian else ".co.uk")
        company_rows.append(
            dict(
                no=company_no,
                type=ContactType.COMPANY,
                name=name,
                company_no=company_no,
                company_name=name,
                address=f"{rng.choice(STREETS_IT if italian else STREETS_EN)} {rng.randint(1, 200)}",
                post_code=post_code,
                city=city,
                county=county,
                country_code="IT" if italian else "GB",
                territory_code=(
                    "NORD"
                    if city in ("Milano", "Torino", "Verona", "Genova", "Padova", "Bologna")
                    else "CENTRO"
                    if city in ("Roma", "Firenze")
                    else "SUD"
                )
                if italian
                else "UK",
                salesperson_code=rng.choice(salespeople),
                language_code="ITA" if italian else "ENU",
                correspondence_type=rng.choice(
                    [CorrespondenceType.EMAIL, CorrespondenceType.HARD_COPY, CorrespondenceType.BLANK]
                ),
                email=f"info@{domain}",
                phone=f"+39 0{rng.randint(10, 99)} {rng.randint(100000, 999999)}"
                if italian
                else f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                salutation_code="C",
                exclude_from_segment=rng.random() < 0.02,
            )
        )
        for _person in range(person_counts[index]):
            first = rng.choice(ITALIAN_FIRST if italian else ENGLISH_FIRST)
            last = rng.choice(ITALIAN_LAST if italian else ENGLISH_LAST)
            female = first.endswith("a") or first in (
                "Isla",
                "Ava",
                "Emily",
                "Sophie",
                "Grace",
                "Lily",
                "Chloe",
                "Elena",
                "Amelia",
            )
            person_rows.append(
                dict(
                    no=next(numbers),
                    type=ContactType.PERSON,
                    name=f"{first} {last}",
                    first_name=first,
                    surname=last,
                    title=("Dott.ssa" if female else "Dott.") if italian and rng.random() < 0.4 else "",
                    salutation_code="F" if female else "M",
                    company_no=company_no,
                    company_name=name,
                    address=company_rows[-1]["address"],
                    post_code=post_code,
                    city=city,
                    county=county,
                    country_code=company_rows[-1]["country_code"],
                    territory_code=company_rows[-1]["territory_code"],
                    salesperson_code=company_rows[-1]["salesperson_code"],
                    language_code=company_rows[-1]["language_code"],
                    correspondence_type=rng.choice(
                        [CorrespondenceType.EMAIL, CorrespondenceType.EMAIL, CorrespondenceType.HARD_COPY]
                    ),
                    email=f"{first}.{last}@{domain}".lower().replace("'", "").replace(" ", "").replace("ò", "o"),
                    mobile=f"+39 3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
                    if italian
                    else f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                    job_title=rng.choice(
                        ["Direttore acquisti", "Responsabile IT", "Amministratore", "Commerciale"]
                        if italian
                        else ["Purchasing manager", "IT manager", "Managing director", "Sales rep"]
                    ),
                    privacy_blocked=rng.random() < 0.01,
                    exclude_from_segment=rng.random() < 0.02,
                )
            )
    return company_rows, person_rows


def _load_relations(session: Session, rng: random.Random, companies: list[dict], persons: list[dict]) -> None:
    mailing, industry, relation, jobs = [], [], [], []
    for row in companies:
        industry.append(
            dict(contact_no=row["no"], industry_group_code=rng.choice(["RETAIL", "MANUF", "FOOD", "SERVICES"]))
        )
        relation.append(dict(contact_no=row["no"], business_relation_code=rng.choice(["CUST", "CUST", "PROS", "SUPP"])))
        for group in ("NEWS", "XMAS"):
            if rng.random() < 0.4:
                mailing.append(dict(contact_no=row["no"], mailing_group_code=group))
    for row in persons:
        for group in ("NEWS", "XMAS", "EVENTS"):
            if rng.random() < 0.3:
                mailing.append(dict(contact_no=row["no"], mailing_group_code=group))
        jobs.append(dict(contact_no=row["no"], job_responsibility_code=rng.choice(["CEO", "PURCH", "SALES", "IT"])))
    answers = session.scalars(select(ProfileAnswer.id).order_by(ProfileAnswer.id)).all()
    profile = [dict(contact_no=row["no"], answer_id=rng.choice(answers)) for row in companies if answers]
    for model, rows in (
        (ContactMailingGroup, mailing),
        (ContactIndustryGroup, industry),
        (ContactBusinessRelation, relation),
        (ContactJobResponsibility, jobs),
        (ContactProfileAnswer, profile),
    ):
        if rows:
            session.execute(insert(model), rows)
