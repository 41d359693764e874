"""Risk signals: the facts in a message that the referral criteria turn on.

This is a first, rule-based detector (word patterns with a simple negation check). It is deliberately
easy to read and test; the recognition issue replaces it with a spaCy pipeline component.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache


class RiskSignal(str, Enum):
    """A fact in what the user wrote that matters for safeguarding."""

    ADULT_INVOLVED = "adult_involved"
    AGE_UNDER_13 = "age_under_13"
    IMAGES_REQUESTED = "images_requested"
    IMAGE_SHARED_WITHOUT_CONSENT = "image_shared_without_consent"
    THREAT_TO_SHARE = "threat_to_share"
    MONEY_DEMANDED = "money_demanded"
    SECRECY_REQUESTED = "secrecy_requested"
    MEETING_PLANNED = "meeting_planned"
    GIFTS_OFFERED = "gifts_offered"
    MOVED_TO_PRIVATE_CHAT = "moved_to_private_chat"
    VIOLENCE_THREATENED = "violence_threatened"
    SELF_HARM_INTENT = "self_harm_intent"
    IMMEDIATE_DANGER = "immediate_danger"
    EXTREME_CONTENT = "extreme_content"


_IMAGE = r"(?:nudes?|naked|pics?|pictures?|photos?|selfies?|videos?|vids?|images?|snaps?|sexy|topless|nsfw)"
_ADULT_AGE = r"(?:1[89]|[2-9]\d)"
_CHILD_AGE = r"(?:[4-9]|1[0-2])"

_PATTERNS: dict[RiskSignal, tuple[str, ...]] = {
    RiskSignal.ADULT_INVOLVED: (
        r"\b(?:an? )?(?:adult|grown[- ]?up|older (?:man|guy|bloke|woman|lady|person|men))\b",
        r"\b(?:man|guy|bloke|woman|lady) (?:in (?:his|her) (?:20|30|40|50|60)s)\b",
        rf"\b(?:he|she|they|him|her|hes|shes|he'?s|she'?s|who'?s|who is|is|was|says (?:he|she)'?s|claims to be)\s+(?:like\s+)?{_ADULT_AGE}\b",
        rf"\b{_ADULT_AGE}\s*(?:yo|y/o|yrs?|years?)(?:[\s-]*old)?\s+(?:man|guy|bloke|woman|lady|bloke)\b",
        r"\b(?:my|his|her|a) (?:teacher|coach|tutor|youth leader|step-?dad|uncle)\b.*\b(?:asked|sent|wants|messag\w*|touch\w*)\b",
    ),
    RiskSignal.AGE_UNDER_13: (
        rf"\b(?:i'?m|im|i am|aged?|she'?s|he'?s|shes|hes|only)\s+{_CHILD_AGE}\b(?!\s*(?:pm|am|:|%|\.\d))",
        rf"\b{_CHILD_AGE}\s*(?:yo|y/o|yrs?|years?)(?:[\s-]*old)\b",
        r"\b(?:year|yr) [3-7]\b|\bprimary school\b",
    ),
    RiskSignal.IMAGES_REQUESTED: (
        rf"\b(?:ask\w*|want\w*|beg\w*|pressur\w*|keeps? on at|demand\w*|tell\w* me to|told me to|make me|made me)\b[^.?!]{{0,40}}\b(?:send|show|take|share)\b[^.?!]{{0,25}}\b{_IMAGE}",
        rf"\b(?:send|sent)\s+(?:me\s+|him\s+|her\s+)?(?:a\s+|some\s+|more\s+|ur\s+|your\s+)?(?:nudes?|naked|topless|sexy)\b",
        r"\b(?:ask\w*|want\w*|beg\w*)\b[^.?!]{0,30}\b(?:nudes?|naked pics?|video ?call|facetime|cam|webcam)\b",
        r"\bsend (?:more|another)\b",
        rf"\b(?:wants?|wanted|asks? for|asked for|asking for|begging for)\s+(?:me\s+)?(?:to\s+)?(?:some\s+|more\s+|my\s+)?{_IMAGE}",
    ),
    RiskSignal.IMAGE_SHARED_WITHOUT_CONSENT: (
        rf"\b(?:shared|posted|forwarded|spread|leaked|sent round|sent around|screenshotted|uploaded|showed everyone)\b[^.?!]{{0,40}}\b{_IMAGE}",
        rf"\b{_IMAGE}\b[^.?!]{{0,40}}\b(?:got |been |was |were |is |are )?(?:shared|posted|forwarded|leaked|spread|sent round|going round|everywhere)\b",
        r"\b(?:deep ?fakes?|fake nudes?|ai nudes?|nudify|undress app)\b",
    ),
    RiskSignal.THREAT_TO_SHARE: (
        r"\b(?:threat\w*|gonna|going to|will|would|says he'?ll|says she'?ll|said he'?d|said she'?d)\b[^.?!]{0,30}\b(?:share|post|send|leak|show|expose|put)\b[^.?!]{0,40}\b(?:everyone|unless|family|friends|school|online|parents|followers)\b",
        r"\bunless i (?:pay|send)\b",
        r"\bor (?:else )?(?:he|she|they|it)(?:'?ll| will| is going to| are going to)? (?:share|post|send|leak|show|expose)\w*\b",
        r"\b(?:blackmail\w*|sextort\w*|expose me)\b",
    ),
    RiskSignal.MONEY_DEMANDED: (
        r"\b(?:pay|money|\d+\s?(?:quid|pounds|dollars)|gift ?cards?|bitcoin|crypto|paypal|cash ?app|bank details)\b",
        r"[£$€]\s?\d+",
    ),
    RiskSignal.SECRECY_REQUESTED: (
        r"\b(?:keep|kept|keeping)\b[^.?!]{0,20}\bsecret\b",
        r"\b(?:don'?t|dont|do not|not to|never) tell\b",
        r"\bour (?:little )?secret\b",
        r"\bdelete (?:the|our) (?:chat|messages)\b",
    ),
    RiskSignal.MEETING_PLANNED: (
        r"\b(?:meet|meeting|hang out)\b[^.?!]{0,20}\b(?:up|irl|in person|in real life|me|him|her|them|at|after school|tomorrow|tonight|this weekend)\b",
        r"\b(?:pick me up|come (?:and )?get me|come round|come over)\b",
    ),
    RiskSignal.GIFTS_OFFERED: (
        r"\b(?:robux|v-?bucks|skins?|gift ?cards?|bought me|buys? me|sends? me (?:money|presents|gifts)|presents?|gifts?|free stuff)\b",
    ),
    RiskSignal.MOVED_TO_PRIVATE_CHAT: (
        r"\b(?:move|moved|moving|switch|talk|chat|add me|message me|dm me)\b[^.?!]{0,25}\b(?:snap\w*|whatsapp|telegram|kik|private|dms?|discord|another app|different app)\b",
        r"\b(?:wants?|asked for|asking for)\b[^.?!]{0,15}\b(?:my )?(?:number|snap|whatsapp|address)\b",
    ),
    RiskSignal.VIOLENCE_THREATENED: (
        r"\b(?:kill|stab|shoot|beat up|batter|jump|hurt|smash|burn)\s+(?:you|me|him|her|them|us|my)\b",
        r"\b(?:death|rape) threats?\b|\bthreaten\w* to (?:kill|hurt|stab|beat|rape)\b",
        r"\b(?:knife|gun)\b",
    ),
    RiskSignal.SELF_HARM_INTENT: (
        r"\b(?:kill|hurt|cut|harm|hang|starve)(?:ing)? (?:my ?self|herself|himself|themselves)\b",
        r"\b(?:i|ive|i'?ve|im|i'?m|been|keep|started|she|he|she'?s|he'?s|is|has been)\s+(?:been\s+|started\s+|thinking about\s+)?self[- ]?harm\w*",
        r"\bsuicidal\b|\b(?:commit\w*|attempt\w*|thinking about|thoughts of) suicide\b",
        r"\b(?:want|wanna|going) to (?:die|end it)\b|\bend it all\b|\bend my life\b",
        r"\b(?:don'?t|dont|do not) want to (?:be here|live|be alive|wake up)\b",
        r"\bbetter off without me\b|\bno reason to live\b|\bcan'?t (?:do this|go on) any ?more\b",
        r"\b(?:bother|point (?:in|of)) (?:waking up|getting up|living|being here|carrying on)\b|\bwish i (?:wouldn'?t|wouldnt|didn'?t) wake up\b",
        r"\boverdos\w*\b",
    ),
    RiskSignal.IMMEDIATE_DANGER: (
        r"\b(?:outside|at) (?:my|the) (?:house|door|window|home|school|flat)\b",
        r"\b(?:on (?:his|her|their) way|coming (?:to|round|over|for me)|following me|followed me|is here|he'?s here|she'?s here)\b",
        r"\b(?:right now|rn)\b[^.?!]{0,40}\b(?:scared|danger|help|meet|hurt)\b|\bin danger\b|\bhelp me now\b",
        r"\b(?:meeting|meet) (?:him|her|them|up)? ?(?:today|tonight|in an hour|now)\b",
    ),
    RiskSignal.EXTREME_CONTENT: (
        r"\b(?:behead\w*|execution|gore|terroris\w*|isis|extremis\w*|bomb\w*|massacre|shooting video|murder video)\b",
        r"\b(?:child (?:abuse|porn)|csam|(?:kids?|child|children) (?:being )?abused)\b",
        r"\b(?:animal cruelty|torture)\b",
    ),
}

_NEGATION = re.compile(
    r"\b(?:not|never|no|didn'?t|didnt|doesn'?t|doesnt|hasn'?t|hasnt|haven'?t|havent|won'?t|wont|isn'?t|isnt|wasn'?t|wasnt)\b"
)
_NEGATION_WINDOW = 25  # characters before a match in which a negation word cancels it


@lru_cache(maxsize=1)
def _compiled() -> dict[RiskSignal, tuple[re.Pattern[str], ...]]:
    return {
        signal: tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)
        for signal, patterns in _PATTERNS.items()
    }


def _normalise(text: str) -> str:
    return re.sub(r"[’‘`]", "'", text.lower())


def _is_negated(text: str, start: int) -> bool:
    window = text[max(0, start - _NEGATION_WINDOW) : start]
    clause = re.split(r"[.,;!?]|\bbut\b", window)[-1]
    return bool(_NEGATION.search(clause))


def detect_signals(text: str) -> frozenset[RiskSignal]:
    """The risk signals a message states (not merely mentions after a negation)."""
    normalised = _normalise(text)
    found: set[RiskSignal] = set()
    for signal, patterns in _compiled().items():
        for pattern in patterns:
            if any(not _is_negated(normalised, m.start()) for m in pattern.finditer(normalised)):
                found.add(signal)
                break
    return frozenset(found)
