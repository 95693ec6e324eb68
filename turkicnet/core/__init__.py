"""The ground floor: what every feature stands on. It imports no feature."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Health, hashed assets, notifications, the common template helpers, and the commands
    ``mail deliver``, ``backup``, ``restore`` and ``files verify``."""
    from .cli import backup_command, files_cli, mail_cli, restore_command
    from .setup import register_template_helpers
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(files_cli)
    register_template_helpers(app)
