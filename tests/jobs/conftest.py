"""Jobs on both databases: the test kinds, and the registering tests' segment for the export jobs."""

import tests.jobs.kinds  # noqa: F401 - registers the test kinds
from tests.registering.conftest import make_registrable, make_segment, reference

__all__ = ["make_registrable", "make_segment", "reference"]
