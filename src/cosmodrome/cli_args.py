"""Argument values shared by the sub-commands: parsed once, errors naming the option."""

from __future__ import annotations

from .errors import InvalidInputError


def utc_option(text: str, option: str = "--start"):
    """A UTC ISO 8601 option value as a Time; the library's message, with the option named."""
    from .time import Time
    try:
        return Time.from_utc_iso(text)
    except InvalidInputError as error:
        raise InvalidInputError(f"{error} (expected UTC ISO 8601 such as 2026-05-01T00:00:00Z)",
                                source=option) from None
