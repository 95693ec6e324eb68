from tests.reports.conftest import make_report, sections  # noqa: F401 - the reports' factories, here too
