"""Company information, marketing setup and number series."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from segapp.extensions import db
from segapp.forms import submit_form
from segapp.models import CountryRegion, Language, NumberSeries
from segapp.services.delivery.settings import environment_overrides, password_is_set
from segapp.services.setup.settings import (
    company_information,
    marketing_setup,
    save_company_information,
    save_marketing_setup,
    save_number_series,
)
from segapp.setup.blueprint import bp
from segapp.setup.forms import CompanyInformationForm, MarketingSetupForm, NumberSeriesForm, ref_choices

# Who reads which setup page: every signed-in user reads the reference tables, the company
# information (printed on every letter), the number series and the numbering and defaults of
# the marketing setup; the mail server settings below are for administrators only (they name
# the SMTP server and account). Changes to any setup page are for administrators only.
MAIL_SERVER_FIELDS = (
    "smtp_host",
    "smtp_port",
    "smtp_user",
    "smtp_security",
    "sender_email",
    "sender_name",
    "sender_domains",
    "emails_per_minute",
)


def _status() -> int:
    return 422 if request.method == "POST" else 200


@bp.route("/company-information", methods=["GET", "POST"])
def edit_company_information() -> Any:
    """Our own company's name, address, phone, e-mail, VAT no. and bank, used in letters."""
    row = company_information(db.session)
    form = CompanyInformationForm(obj=row)
    form.country_code.choices = ref_choices(db.session, CountryRegion)
    if request.method == "GET":
        form.country_code.data = row.country_code or ""
    if submit_form(form, lambda: save_company_information(db.session, form.values())):
        flash(_("The company information is saved."), "success")
        return redirect(url_for("setup.edit_company_information"))
    return render_template("setup/company_information.html", form=form), _status()


@bp.route("/marketing", methods=["GET", "POST"])
def edit_marketing_setup() -> Any:
    """Number series, defaults, attachment limits and SMTP settings."""
    row = marketing_setup(db.session)
    form = MarketingSetupForm(obj=row)
    series = ref_choices(db.session, NumberSeries)
    for field in (form.contact_series_code, form.segment_series_code, form.campaign_series_code):
        field.choices = series
    form.default_language_code.choices = ref_choices(db.session, Language)
    if request.method == "GET":
        for name in ("contact_series_code", "segment_series_code", "campaign_series_code", "default_language_code"):
            form[name].data = form[name].data or ""
        form.default_correspondence_type.data = str(row.default_correspondence_type)
    if not current_user.is_admin:
        for name in MAIL_SERVER_FIELDS:
            del form[name]
    if submit_form(form, lambda: save_marketing_setup(db.session, form.values())):
        flash(_("The marketing setup is saved."), "success")
        return redirect(url_for("setup.edit_marketing_setup"))
    return (
        render_template(
            "setup/marketing_setup.html",
            form=form,
            password_set=password_is_set(),
            from_environment=environment_overrides(),
        ),
        _status(),
    )


@bp.get("/number-series/")
def list_number_series() -> str:
    """The number series with their next numbers."""
    series = db.session.scalars(select(NumberSeries).order_by(NumberSeries.code)).all()
    return render_template("setup/number_series.html", series=series)


@bp.route("/number-series/<code>/edit", methods=["GET", "POST"])
def edit_number_series(code: str) -> Any:
    """Change the prefix, digits and next number of a series."""
    series = db.get_or_404(NumberSeries, code)
    form = NumberSeriesForm(obj=series)
    values = (form.description.data, form.prefix.data, form.width.data, form.next_number.data)
    if submit_form(form, lambda: save_number_series(db.session, series, *values)):
        flash(_("The number series %(code)s is saved.", code=code), "success")
        return redirect(url_for("setup.list_number_series"))
    return render_template("setup/number_series_edit.html", form=form, series=series), _status()
