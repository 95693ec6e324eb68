"""Rate limits on what a signed-in person writes: comments, invitations, join requests,
application messages (audit F-18).

Counted per account, not per address: no one can use up another person's allowance, and
colleagues behind one institutional address do not share one. Each limited view counts on
its own, and the limit is checked before the view runs, so a refused request changes nothing.
"""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter


def account_key() -> str:
    """The signed-in account (the views limited this way require a login; the address is a
    fallback that no such view reaches)."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{get_remote_address()}"


def per_account(setting: str):
    """Limit a view's POSTs per account to ``app.config[setting]`` ("30 per hour"). Put it
    under ``@login_required``, so a visitor is sent to log in and never counted."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], key_func=account_key)
