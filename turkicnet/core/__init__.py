"""The ground floor: what every feature stands on. It imports no feature."""

from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Health, hashed assets, notifications, the worker and ``mail``, the common template
    helpers, the operator's ``backup``, ``restore`` and ``files verify``, and the page for a
    refused Host."""
    from . import hosts
    from .backup_cli import backup_command, files_cli, restore_command
    from .cli import mail_cli, worker_command
    from .outbox import prune_sent
    from .setup import register_template_helpers
    from .urls import external_url
    from .views import bp
    from .worker import register_job

    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(files_cli)
    register_job("mail.prune_sent", every=timedelta(hours=6), function=prune_sent)
    register_template_helpers(app)
    app.jinja_env.globals["external_url"] = external_url
    hosts.init_app(app)
