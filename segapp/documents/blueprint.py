"""The documents blueprint, apart from its package so that the view modules can import it without a cycle."""

from flask import Blueprint

from segapp.services.documents.messages import size_text

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.app_template_filter("file_size")
def file_size(size: int | None) -> str:
    """A file size as people read it (24 KB)."""
    return size_text(size or 0)
