"""TurkicNet: the platform of the network of economic policy research centers."""

from pathlib import Path

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error handlers."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .config import load_config

    load_config(app, test_config)

    from .core import setup as core_setup

    core_setup.init_extensions(app)
    core_setup.register_blueprints(app)
    core_setup.register_cli(app)
    core_setup.register_error_handlers(app)
    core_setup.register_request_hooks(app)
    return app
