"""Domain errors raised by services; views map them to form errors or HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class ValidationFailed(DomainError):
    """Input broke a rule; ``errors`` holds ``(field, reason)`` pairs for the form."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors))
        self.errors = errors

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for field, reason in self.errors:
            out.setdefault(field, []).append(reason)
        return out


class PermissionDenied(DomainError):
    """The acting user may not do this."""


class NotFound(DomainError):
    """The object does not exist, or the acting user may not know that it does."""


class IllegalTransition(DomainError):
    """The step is not allowed in the object's current state."""
