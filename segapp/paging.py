"""Pages of a query whose rows hold more than one entity (db.paginate keeps only the first column)."""

from typing import Any

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import Session


class RowPagination(SelectPagination):
    """Like ``db.paginate``, but the items are whole rows: one query for the page, one for the count."""

    def _query_items(self) -> list[Any]:
        statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(statement).all())


def paginate_rows(session: Session, statement: Select, page: int, per_page: int) -> RowPagination:
    """One page of rows of ``statement`` (404 past the last page, as db.paginate)."""
    return RowPagination(select=statement, session=session, page=page, per_page=per_page)
