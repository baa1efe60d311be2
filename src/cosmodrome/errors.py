"""The errors Cosmodrome raises. The CLI maps each family to an exit code.

- ``InvalidInputError`` (exit 2): a file, field or argument is malformed or out of range.
- ``InfeasibleRequestError`` (exit 3): the request is valid but physics or the site forbids it.
- ``DataRangeError`` (exit 2): a bundled table does not cover the request.
- ``SolverError`` (exit 1): a numerical solver failed; its own message is kept.
"""

from __future__ import annotations


class CosmodromeError(Exception):
    """Base class of every error Cosmodrome raises on purpose."""

    exit_code = 1


class InvalidInputError(CosmodromeError, ValueError):
    """Bad input: names the source (file or argument), the field, what was expected and what came."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        self.source = source
        self.field = field
        where = ", ".join(part for part in (source, f"field {field}" if field else None) if part)
        super().__init__(f"{where}: {message}" if where else message)


class DataRangeError(CosmodromeError):
    """A bundled table (leap seconds, EOP, ...) does not cover the request."""

    exit_code = 2


class InfeasibleRequestError(CosmodromeError):
    """A valid request that cannot be met; the message carries the physics and the numbers."""

    exit_code = 3


class SolverError(CosmodromeError):
    """A numerical solver failed; its own message is kept in the text."""

    exit_code = 1
