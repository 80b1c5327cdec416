"""Errors raised by the signing library; messages are in Russian because users see them."""

from __future__ import annotations


class SigningError(Exception):
    """A signature could not be made; ``str(exc)`` is a Russian message for the user."""


class SignerUnavailable(SigningError):
    """The key could not be opened (wrong password or PIN, missing token, unreadable file)."""


class UnreadablePdf(SigningError):
    """The input is not a PDF that can be read."""
