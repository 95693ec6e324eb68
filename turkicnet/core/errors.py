"""The one error family that services raise and the web and API layers translate."""


class ServiceError(Exception):
    """Base of the errors a service raises on purpose."""

    status_code = 400

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
