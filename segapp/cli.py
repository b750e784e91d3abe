"""Command-line commands: ``flask create-user``, ``flask demo-data``, ``flask check-contact-numbers`` and
``flask backup``."""

import os
from pathlib import Path

import click
from flask import Flask

from segapp.backup import BackupError, backup_sqlite
from segapp.database import immediate_transactions
from segapp.extensions import db
from segapp.models import Role
from segapp.services.contacts.numbers import contacts_with_bad_numbers
from segapp.services.demo import DEMO_LANGUAGES, database_is_empty, demo_language, load_demo_data, remove_demo_data
from segapp.services.demo_history import load_demo_history
from segapp.services.errors import ServiceError
from segapp.services.users import create_user


def register_cli(app: Flask) -> None:
    """Attach the commands to the app's CLI."""

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.USER.value)
    @click.option("--full-name", default="")
    @click.option("--salesperson", default=None, help="Code of the user's salesperson.")
    @click.password_option()
    def create_user_command(username: str, role: str, full_name: str, salesperson: str | None, password: str) -> None:
        """Create a user."""
        with immediate_transactions():
            try:
                create_user(db.session, username, password, Role(role), full_name, salesperson)
            except ServiceError as error:
                db.session.rollback()
                raise click.ClickException(error.message) from error
            db.session.commit()
        click.echo(f"User {username} created with role {role}.")

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when contacts exist.")
    @click.option("--companies", default=300, show_default=True)
    @click.option(
        "--language",
        type=click.Choice(DEMO_LANGUAGES),
        help="Language of the demo's descriptions (default: the first administrator's, else LANG's, else en).",
    )
    @click.option("--remove", is_flag=True, help="Remove the demo contacts (numbered DEMO-…) instead.")
    def demo_data_command(if_empty: bool, companies: int, language: str | None, remove: bool) -> None:
        """Load demo contacts, groups, salespeople, templates, a campaign and a year of registered segments; or
        remove the demo contacts with that history."""
        with immediate_transactions():
            if remove:
                try:
                    removed = remove_demo_data(db.session)
                except ServiceError as error:
                    db.session.rollback()
                    raise click.ClickException(error.message) from error
                db.session.commit()
                click.echo(f"Demo data removed: {removed} contacts. Setup records (groups, salespeople…) are kept.")
                return
            if not database_is_empty(db.session):
                if if_empty:
                    click.echo("Contacts exist; demo data not loaded.")
                    return
                raise click.ClickException("The database already has contacts.")
            language = language or demo_language(db.session, os.environ.get("LANG", ""))
            count = load_demo_data(db.session, companies=companies, language=language)
            history = load_demo_history(db.session, language=language)
            db.session.commit()
        click.echo(f"Demo data loaded ({language}): {count} contacts, {history} registered segments of history.")

    @app.cli.command("check-contact-numbers")
    def check_contact_numbers_command() -> None:
        """List the contacts whose no. breaks the rule (letters, digits, - _ . , at most 20); renames nothing."""
        count = 0
        for no, name in contacts_with_bad_numbers(db.session):
            click.echo(f"{no}\t{name}")
            count += 1
        db.session.rollback()
        if count:
            raise click.ClickException(
                f"{count} contact numbers break the rule: at most 20 upper-case letters, digits, and - _ . "
                "(not first, never two dots in a row). Rename them by hand."
            )
        click.echo("Every contact number follows the rule.")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
    def backup_command(target: Path, force: bool) -> None:
        """Copy the running SQLite database safely to TARGET (PostgreSQL: use pg_dump)."""
        try:
            size = backup_sqlite(db.engine, target, overwrite=force)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {target} ({size:,} bytes).")
