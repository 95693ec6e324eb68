"""How this feature's audit events read to an admin (registered with core.audit)."""

from flask_babel import lazy_gettext as _l

from ..core.mail import OPTIONAL_CATEGORIES

AUDIT_ACTIONS = {
    "auth.register": _l("Account registered"),
    "auth.register_existing": _l("Registration tried with an address already registered"),
    "auth.verify_email": _l("E-mail address verified"),
    "auth.verification_resent": _l("Verification e-mail sent again"),
    "auth.create_admin": _l("Administrator account created"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.logout": _l("Logged out"),
    "auth.reset_requested": _l("Password reset requested"),
    "auth.reset_password": _l("Password reset"),
    "auth.change_password": _l("Password changed"),
    "auth.update_profile": _l("Profile updated"),
    "auth.choose_language": _l("Interface language chosen"),
    "auth.mail_preferences": _l("E-mail preferences changed"),
    "auth.activate": _l("Account reactivated"),
    "auth.deactivate": _l("Account deactivated"),
    "auth.create_token": _l("API token created"),
    "auth.revoke_token": _l("API token revoked"),
}
AUDIT_TARGETS = {
    "user": _l("Account"),
    "apitoken": _l("API token"),
}
AUDIT_DETAILS = {
    "email": _l("E-mail address"),
    "changed": _l("Fields changed"),
    "opt_outs": _l("E-mail switched off"),
    "reason": _l("Reason"),
    "prefix": _l("Token prefix"),
    "scopes": _l("Access"),
    "expires_at": _l("Expires"),
    "token_id": _l("Token"),
    "user_id": _l("Account"),
}
AUDIT_VALUES = {
    "changed": {
        "full_name": _l("Full name"),
        "position": _l("Position"),
        "preferred_language": _l("Preferred language"),
        "time_zone": _l("Time zone"),
    },
    "opt_outs": OPTIONAL_CATEGORIES,
    "scopes": {"read": _l("read"), "read write": _l("read and write")},
}
