"""Errors that services raise and views turn into a message for the user."""


class ServiceError(Exception):
    """A refusal the user should read. `message` is already translated (lazy string);
    `status` is the HTTP status a view should answer with when it has no form to show."""

    status = 400

    def __init__(self, message, *, field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class PermissionDenied(ServiceError):
    status = 403


class Conflict(ServiceError):
    """Something already happened and cannot happen twice (409)."""

    status = 409


class NotFound(ServiceError):
    status = 404
