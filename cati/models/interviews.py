"""Interviews: the engine's state per case, committed page by page, and page paradata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from cati.db import Base, UTCDateTime, utcnow
from cati.models.fieldwork import _one_of

INTERVIEW_STATUSES = ("active", "completed", "screened_out", "breakoff", "partial")
INTERVIEW_MODES = ("phone", "web")


class Interview(Base):
    """One questionnaire run for one case; phone and web share it (mixed mode)."""

    __tablename__ = "interviews"
    __table_args__ = (
        _one_of("status", INTERVIEW_STATUSES, "status"),
        _one_of("mode", INTERVIEW_MODES, "mode"),
        Index("ix_interviews_case_status", "case_id", "status"),
        # At most one unfinished interview per case, even when two requests race to start one.
        Index(
            "uq_interviews_one_active",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(String(8), default="phone")
    status: Mapped[str] = mapped_column(String(16), default="active")
    outcome: Mapped[str | None] = mapped_column(String(64))
    # The questionnaire language it is held in (also in ``state``), for the data set.
    language: Mapped[str | None] = mapped_column(String(16))
    # The engine's InterviewState as JSON text: it resumes exactly after a restart.
    state: Mapped[str] = mapped_column(Text)
    # The answers alone, for the dataset to stream without parsing whole states.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Pages submitted so far; a submission quoting an older number is a repeat and ignored.
    seq: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PageEvent(Base):
    """Paradata: each page shown and left, how long it took, what changed."""

    __tablename__ = "interview_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    page_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(12))  # next, back, timeout, language, ...
    mode: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float | None]
    changed: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
