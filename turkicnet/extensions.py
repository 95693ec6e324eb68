"""Extensions, created unbound; ``create_app`` binds them."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()


#: The cookie the language switcher sets (a preference, not a session: no login, no CSRF).
LANGUAGE_COOKIE = "turkicnet_lang"


def select_locale() -> str | None:
    """The page's language: the person's saved preference, else the switcher's cookie, else
    the browser's ``Accept-Language`` (``uz`` finds Uzbek in Latin script), else English."""
    from flask import current_app, g, has_request_context
    from flask_login import current_user

    if not has_request_context():
        return None
    languages = current_app.config["LANGUAGES"]
    # With the database unavailable the person's own setting cannot be read: the browser's it is.
    preferred = None if g.get("database_unavailable") else getattr(current_user, "preferred_language", None)
    if preferred in languages:
        return preferred
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    # Werkzeug matches tags with hyphens; a bare primary tag ("uz") finds "uz-Latn".
    offered = {code.replace("_", "-"): code for code in languages}
    best = request.accept_languages.best_match(list(offered))
    return offered.get(best) if best else None


def select_timezone() -> str | None:
    """The zone times read in: a logged-in person's own (their choice, else their center's
    country's), else UTC — anonymous pages say "UTC"."""
    from flask import g, has_request_context
    from flask_login import current_user

    from .core.formatting import zone_of

    if not has_request_context() or g.get("database_unavailable"):
        return "UTC"
    return zone_of(current_user)
