"""Periodic work of the procedures app: draft reminders and expiry, retention purges."""

from __future__ import annotations

from datetime import timedelta

from yakusho.core.periodic import periodic

from . import services


@periodic("procedures.drafts", every=timedelta(hours=1))
def drafts() -> str:
    reminded = services.drafts_remind()
    purged = services.drafts_purge()
    return f"reminded {reminded}, purged {purged}"


@periodic("procedures.submissions", every=timedelta(days=1))
def submissions() -> str:
    return f"purged {services.submissions_purge()}"
