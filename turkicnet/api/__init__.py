"""The ways in for outside systems, as adapters over the same services as the web pages:
the JSON API (``/api/v1``) and its documentation (``/api/docs``), OAI-PMH harvesting
(``/oai``) and the RePEc archive (``/RePEc``)."""

from flask import Flask

from ..core.csrf import bearer_only
from ..core.problems import answer_problems_under
from . import oai, repec


def init_app(app: Flask) -> None:
    """Register the interfaces' blueprints."""
    from . import docs, http, reads, writes  # noqa: F401  (the modules declare the endpoints)

    http.install(app)
    app.register_blueprint(docs.docs_bp)
    bearer_only(http.bp.name)
    answer_problems_under(http.bp.url_prefix + "/")
    app.register_blueprint(oai.bp)
    app.register_blueprint(repec.bp)
