"""The versions of a template's Word documents as the template card lists them: newest first, who uploaded
each, whether interaction log entries refer to it. A fixed number of queries whatever the versions."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from segapp.models import InteractionLogEntry, TemplateDocument, User

# How many versions a language shows on the card; the others are on the versions page.
CARD_VERSIONS = 5


def _in_use() -> Any:
    return exists().where(InteractionLogEntry.template_document_id == TemplateDocument.id)


def _newest() -> Any:
    newer = TemplateDocument.__table__.alias("newer")
    return (
        select(func.max(newer.c.version))
        .where(
            newer.c.template_code == TemplateDocument.template_code,
            newer.c.language_code == TemplateDocument.language_code,
        )
        .scalar_subquery()
    )


def versions_select(template_code: str, language_code: str | None = None) -> Select:
    """The versions of a template's documents (of one language, or all), newest first per language: each with
    uploaded_by (the user's name), in_use and newest (bool). The content is not read."""
    query = (
        select(
            TemplateDocument.id,
            TemplateDocument.template_code,
            TemplateDocument.language_code,
            TemplateDocument.version,
            TemplateDocument.file_name,
            TemplateDocument.size,
            TemplateDocument.uploaded_at,
            TemplateDocument.fields,
            TemplateDocument.warnings,
            func.coalesce(func.nullif(User.full_name, ""), User.username, "").label("uploaded_by"),
            _in_use().label("in_use"),
            (TemplateDocument.version == _newest()).label("newest"),
        )
        .outerjoin(User, User.id == TemplateDocument.user_id)
        .where(TemplateDocument.template_code == template_code)
        .order_by(TemplateDocument.language_code, TemplateDocument.version.desc())
    )
    if language_code is not None:
        query = query.where(TemplateDocument.language_code == language_code)
    return query


@dataclass(frozen=True)
class LanguageVersions:
    """A language's versions on the card: the newest few, how many there are, how many could be deleted."""

    versions: list[Any]
    total: int
    deletable: int

    @property
    def newest(self) -> Any:
        """The version merged into letters (None when there is none)."""
        return self.versions[0] if self.versions else None


def card_versions(
    session: Session, template_code: str, per_language: int = CARD_VERSIONS
) -> dict[str, LanguageVersions]:
    """Per language of the template: its newest ``per_language`` versions and the counts (two queries)."""
    listed = versions_select(template_code).add_columns(
        func.row_number()
        .over(partition_by=TemplateDocument.language_code, order_by=TemplateDocument.version.desc())
        .label("rank")
    )
    ranked = listed.order_by(None).subquery()
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= per_language).order_by(ranked.c.language_code, ranked.c.version.desc())
    ).all()
    deletable = case((and_(TemplateDocument.version != _newest(), ~_in_use()), 1), else_=0)
    counts = {
        language: (total, int(removable or 0))
        for language, total, removable in session.execute(
            select(TemplateDocument.language_code, func.count(), func.sum(deletable))
            .where(TemplateDocument.template_code == template_code)
            .group_by(TemplateDocument.language_code)
        )
    }
    result: dict[str, LanguageVersions] = {}
    for language, (total, removable) in counts.items():
        result[language] = LanguageVersions([row for row in rows if row.language_code == language], total, removable)
    return result
