"""TurkicNet: the platform of the network of economic policy research centers."""

from importlib import import_module
from pathlib import Path

from flask import Flask

#: The features, ground floor first; each package's ``init_app(app)`` wires it in.
FEATURES = ("core", "auth", "centers", "protocol", "reports", "site", "admin", "api", "demo")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, every feature, error handlers."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .config import load_config
    from .core import setup as core_setup

    load_config(app, test_config)
    core_setup.init_extensions(app)
    import_module(".models", __name__)
    for feature in FEATURES:
        import_module(f".{feature}", __name__).init_app(app)
    core_setup.register_error_handlers(app)
    core_setup.register_request_hooks(app)
    return app
