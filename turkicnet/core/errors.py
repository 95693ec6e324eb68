"""The one error family that services raise and the web and API layers translate."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """What a person was refused, for the audit log's ``authz_fail`` event (audit F-17)."""

    #: the service (``feature.function``) or check that said no
    refused: str
    target_type: str = ""
    target_id: int | None = None


class ServiceError(Exception):
    """Base of the errors a service raises on purpose."""

    status_code = 400
    #: set on a refusal of something that exists (a permission, an object one may not see)
    refusal: Refusal | None = None

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status_code = 404


class PermissionDenied(ServiceError):
    status_code = 403


class InvalidState(ServiceError):
    """The object is not in a state that allows the change."""

    status_code = 409


class Conflict(ServiceError):
    status_code = 409


class ValidationFailed(ServiceError):
    """A rule on one field failed; the view shows ``message`` next to ``field``."""

    status_code = 422

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
