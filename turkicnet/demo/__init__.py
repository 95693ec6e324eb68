"""The demo network of DESIGN §6, made through the services as real actors would make it."""

from flask import Flask


def init_app(app: Flask) -> None:
    """``flask --app wsgi seed-demo``."""
    from .cli import seed_demo_command

    app.cli.add_command(seed_demo_command)
