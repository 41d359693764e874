"""The rule-based risk signals: stated facts are found, negated ones are not."""

import pytest

from bot.safeguarding.signals import RiskSignal, detect_signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("hes 25 and keeps messaging me", RiskSignal.ADULT_INVOLVED),
        ("an older man on roblox added me", RiskSignal.ADULT_INVOLVED),
        ("im 11 and someone asked me for pics", RiskSignal.AGE_UNDER_13),
        ("my 10 year old got a message from a stranger", RiskSignal.AGE_UNDER_13),
        ("he keeps asking me to send nudes", RiskSignal.IMAGES_REQUESTED),
        ("she wants me to video call with my top off", RiskSignal.IMAGES_REQUESTED),
        ("my pics got leaked to the whole year", RiskSignal.IMAGE_SHARED_WITHOUT_CONSENT),
        ("someone made fake nudes of me with an app", RiskSignal.IMAGE_SHARED_WITHOUT_CONSENT),
        ("he said he will share my photos with everyone unless i pay", RiskSignal.THREAT_TO_SHARE),
        ("they want £200 or they post it", RiskSignal.MONEY_DEMANDED),
        ("he told me to keep it a secret", RiskSignal.SECRECY_REQUESTED),
        ("she said not to tell my mum", RiskSignal.SECRECY_REQUESTED),
        ("he wants to meet up this weekend", RiskSignal.MEETING_PLANNED),
        ("he sent me robux and skins", RiskSignal.GIFTS_OFFERED),
        ("he asked me to move to snapchat", RiskSignal.MOVED_TO_PRIVATE_CHAT),
        ("they said they will stab me after school", RiskSignal.VIOLENCE_THREATENED),
        ("i want to kill myself", RiskSignal.SELF_HARM_INTENT),
        ("i dont want to be here anymore", RiskSignal.SELF_HARM_INTENT),
        ("hes outside my house right now", RiskSignal.IMMEDIATE_DANGER),
        ("someone sent a beheading video in the group", RiskSignal.EXTREME_CONTENT),
    ],
)
def test_signal_found_when_stated(text: str, signal: RiskSignal) -> None:
    assert signal in detect_signals(text)


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("he didn't ask to meet up", RiskSignal.MEETING_PLANNED),
        ("she never asked me to send nudes", RiskSignal.IMAGES_REQUESTED),
        ("i'm not going to kill myself, i just feel sad", RiskSignal.SELF_HARM_INTENT),
    ],
)
def test_negated_signal_is_not_found(text: str, signal: RiskSignal) -> None:
    assert signal not in detect_signals(text)


@pytest.mark.parametrize(
    "text",
    ["this game is killing me", "im dying of laughter", "send me the homework pics", "my phone is dead", "hi"],
)
def test_everyday_messages_carry_no_risk_signal(text: str) -> None:
    assert detect_signals(text) == frozenset()


@pytest.mark.parametrize(
    "text",
    ["honestly whats the point of waking up", "i wish i wouldnt wake up", "no reason to live anymore"],
)
def test_indirect_self_harm_words_are_a_signal(text: str) -> None:
    assert RiskSignal.SELF_HARM_INTENT in detect_signals(text)
