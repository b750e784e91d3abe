"""The grid's rows as HTML, built in Python: a page has hundreds of cells and a Jinja macro per cell costs ~1 ms a row.

The markup is the one grid.js reads (``tr[data-url][data-version]``, ``td[data-field][data-edit][data-value]``);
everything constant for a page (the opening of each cell, captions, the document labels) is prepared once.
"""

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from segapp.segments.columns import GRID_COLUMNS, Column, display_value
from segapp.services.segments.field_values import edit_value


def _cell_class(column: Column) -> str:
    return "cell num" if column.kind == "amount" else "cell"


class RowRenderer:
    """Renders grid rows for one response: ``line_url`` + line no. is the line's URL; captions are cached."""

    def __init__(self, line_url: str, can_edit: bool) -> None:
        self.line_url = str(escape(line_url))
        self.can_edit = can_edit
        self.documents = {
            "inherited": str(escape(_("Inherited"))),
            "text": str(escape(_("Personal text"))),
            "personalised": f'<span class="mark-personalised">{escape(_("Personalised"))}</span>',
            "none": str(escape(_("None"))),
        }
        self.formatted: dict[tuple[str, Any], str] = {}
        # Per column: (column, editable, opening up to data-value or up to the cell's text).
        self.plan = []
        for column in GRID_COLUMNS:
            editable = can_edit and column.kind != "readonly"
            if editable:
                opening = f'<td role="gridcell" tabindex="-1" data-field="{column.name}" data-edit="{column.kind}" data-value="'
            else:
                opening = f'<td role="gridcell" tabindex="-1" data-field="{column.name}" class="{_cell_class(column)}">'
            self.plan.append((column, editable, opening, f'" class="{_cell_class(column)}">'))

    def _display(self, column: Column, value: Any) -> str:
        key = (column.kind if column.kind != "option" else column.name, value)
        shown = self.formatted.get(key)
        if shown is None:
            shown = self.formatted[key] = str(escape(display_value(column, value)))
        return shown

    def _values(self, row: Any) -> list[tuple[str, str]]:
        """(escaped display, escaped edit value) of each column, in GRID_COLUMNS order."""
        line = row.line
        values = []
        for column in GRID_COLUMNS:
            if column.kind == "readonly":
                if column.name == "document":
                    shown = self.documents[row.document] if line.contact_no else ""
                else:
                    shown = str(escape(getattr(row, column.name) or ""))
                values.append((shown, ""))
            else:
                value = getattr(line, column.name)
                values.append((self._display(column, value), str(escape(edit_value(value)))))
        return values

    def row(
        self,
        row: Any,
        error: str = "",
        error_field: str = "",
        rejected: str | None = None,
        oob: bool = False,
        choices: str = "",
    ) -> str:
        """One ``<tr>``; with ``error`` the cell ``error_field`` shows it (the refused value and ``choices``, if any)."""
        line_no = str(row.line.line_no)
        swap = ' hx-swap-oob="true"' if oob else ""
        parts = [
            f'<tr id="line-{line_no}" data-line-no="{line_no}" data-version="{row.line.version}" '
            f'data-url="{self.line_url}{line_no}" role="row"{swap}>'
        ]
        for (column, editable, opening, closing), (shown, value) in zip(self.plan, self._values(row), strict=True):
            if error and column.name == error_field:
                parts.append(self._failed_cell(column, editable, line_no, shown, value, error, rejected, choices))
            elif editable:
                parts.append(f"\n{opening}{value}{closing}{shown}</td>")
            else:
                parts.append(f"\n{opening}{shown}</td>")
        parts.append("\n</tr>\n")
        return "".join(parts)

    def _failed_cell(
        self,
        column: Column,
        editable: bool,
        line_no: str,
        shown: str,
        value: str,
        error: str,
        rejected: str | None,
        choices: str,
    ) -> str:
        edit = f' data-edit="{column.kind}" data-value="{value}"' if editable else ""
        described = f"err-{line_no}-{column.name}"
        refused = f' data-rejected="{escape(rejected)}"' if rejected is not None else ""
        return (
            f'\n<td role="gridcell" tabindex="-1" data-field="{column.name}"{edit} class="{_cell_class(column)} has-error"'
            f'{refused} aria-invalid="true" aria-describedby="{described}">{shown}'
            f'<span class="cell-error" role="alert" id="{described}">{escape(error)}</span>{choices}</td>'
        )


def render_rows(rows: Iterable[Any], line_url: str, can_edit: bool) -> Markup:
    """The ``<tr>`` of every row of a page of the grid."""
    renderer = RowRenderer(line_url, can_edit)
    return Markup("".join(renderer.row(row) for row in rows))


def render_row(
    row: Any,
    line_url: str,
    can_edit: bool,
    error: str = "",
    error_field: str = "",
    rejected: str | None = None,
    oob: bool = False,
    choices: str = "",
) -> Markup:
    """The ``<tr>`` of one row, after an edit (with the message, and any contacts to pick, at the refused cell)."""
    return Markup(RowRenderer(line_url, can_edit).row(row, error, error_field, rejected, oob, choices))


def row_helpers() -> dict[str, Any]:
    """The row renderers for the segment templates (a blueprint context processor)."""
    return {"render_row": render_row, "render_rows": render_rows}
