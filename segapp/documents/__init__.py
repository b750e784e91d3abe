"""Documents: the Word documents of interaction templates (upload, versions, download) and the starter."""

# The blueprint's view modules register their routes on bp.
from segapp.documents import views  # noqa: F401
from segapp.documents.blueprint import bp

__all__ = ["bp"]
