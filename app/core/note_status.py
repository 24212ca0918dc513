"""A note's delivery state: apart from the pydantic models (core.models re-exports it) so that storage
can read history without importing pydantic."""

from __future__ import annotations

from enum import StrEnum


class NoteStatus(StrEnum):
    PENDING = "pending"
    LOGGED = "logged"
    FAILED = "failed"
    # Sent, but whether the CRM stored it is unknown (a timeout after sending, a crash mid-send):
    # the recruiter checks the record, then confirms it or sends it again (never resent blindly).
    UNCONFIRMED = "unconfirmed"
