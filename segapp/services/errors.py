"""Errors raised by services, carrying a message a user can read."""


class ServiceError(Exception):
    """A rule was broken; ``message`` is already translated for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """A record the user named does not exist."""


class Conflict(ServiceError):
    """Someone else changed the record in the meantime."""


class Ambiguous(ServiceError):
    """What the user typed names several records; ``choices`` are the first of them to pick from."""

    def __init__(self, message: str, field: str | None, choices: list) -> None:
        super().__init__(message, field)
        self.choices = choices
