"""Criteria: the add / reduce / refine dialogs with their live preview, the criteria view, go back, saved criteria."""

# The blueprint's view modules register their routes on bp.
from segapp.criteria import dialog_views, recipe_views  # noqa: F401
from segapp.criteria.blueprint import bp

__all__ = ["bp"]
