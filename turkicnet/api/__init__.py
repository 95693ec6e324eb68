"""The ways in for outside systems, as adapters over the same services as the web pages:
the JSON API (``/api/v1``) and its documentation (``/api/docs``), OAI-PMH harvesting
(``/oai``) and the RePEc archive (``/RePEc``)."""

from flask import Flask

from . import oai, repec


def init_app(app: Flask) -> None:
    """Register the interfaces' blueprints."""
    app.register_blueprint(oai.bp)
    app.register_blueprint(repec.bp)
