"""Referral to a trained person: the advice action opens (or adds to) a case and tells the user honestly
who will read the conversation and when."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.cases.hours import StaffedHours
from bot.cases.store import CaseStore
from bot.pseudonyms import channel_of
from bot.safeguarding.content import ContentLibrary
from bot.safeguarding.escalation import EscalationDecision

logger = logging.getLogger(__name__)


def refer_to_staff(
    store: CaseStore,
    hours: StaffedHours,
    library: ContentLibrary,
    conversation_id: str,
    decision: EscalationDecision,
    role: str | None,
    age_band: str | None,
    now: datetime,
) -> str | None:
    """Open the conversation's case, or add this message's reasons to it; the message to tell the user.

    The user is told once, when the case opens: that a trained person will read it and when (staffed
    hours, or the 24/7 routes outside them). If the case cannot be stored they are told nobody has been
    told, with the emergency routes, because promising a reader who will never come is worse than none.
    """
    try:
        _, opened = store.open_or_update(
            conversation_id=conversation_id, channel=channel_of(conversation_id), reasons=decision.reason_names,
            signals=decision.signal_names, topic=decision.topic.value, role=role, age_band=age_band,
            now=now.replace(tzinfo=None),
        )
    except SQLAlchemyError as error:
        logger.error("Could not open a case: %s", type(error).__name__)
        return library.system_text("staff_not_told")
    if not opened:
        return None
    key = "staff_will_read" if hours.is_staffed(now) else "staff_away"
    return library.system_text(key).format(hours=hours.text)
