"""Fixtures of the site pages' tests."""

from tests.reports.conftest import make_report, sections  # noqa: F401  (fixtures shared with tests/reports)
