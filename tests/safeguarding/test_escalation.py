"""The escalation decision implements the source documents' referral criteria, in conversation context."""

import pytest

from bot.safeguarding.escalation import ConversationContext, ReferralCriterion, decide_escalation, intent_in_context
from bot.safeguarding.signals import RiskSignal, detect_signals, read_signals
from bot.safeguarding.topics import Topic

S = RiskSignal


@pytest.mark.parametrize(
    ("intent", "signals", "age_band", "criterion"),
    [
        ("nude_image_sharing", {S.ADULT_INVOLVED}, None, ReferralCriterion.ADULT_INVOLVED),
        ("grooming", {S.ADULT_INVOLVED, S.MEETING_PLANNED}, None, ReferralCriterion.ADULT_INVOLVED),
        ("sextortion", set(), None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        ("grooming", set(), None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        ("nude_image_sharing", {S.THREAT_TO_SHARE}, None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        ("harmful_content", {S.EXTREME_CONTENT}, None, ReferralCriterion.EXTREME_OR_VIOLENT),
        ("bullying", {S.VIOLENCE_THREATENED}, None, ReferralCriterion.EXTREME_OR_VIOLENT),
        ("nude_image_sharing", set(), "under_13", ReferralCriterion.UNDER_13),
        ("nude_image_sharing", {S.AGE_UNDER_13}, None, ReferralCriterion.UNDER_13),
        ("bullying", {S.AGE_UNDER_13, S.IMAGES_REQUESTED}, None, ReferralCriterion.UNDER_13),
        ("harmful_content", {S.AGE_UNDER_13, S.GIFTS_OFFERED}, None, ReferralCriterion.UNDER_13),
        ("law_question", {S.SECRECY_REQUESTED}, None, ReferralCriterion.COERCION_OR_BLACKMAIL),
        ("immediate_danger", set(), None, ReferralCriterion.IMMEDIATE_RISK),
        ("nlu_fallback", {S.IMMEDIATE_DANGER}, None, ReferralCriterion.IMMEDIATE_RISK),
        ("self_harm", set(), None, ReferralCriterion.SELF_HARM),
        ("out_of_scope", {S.SELF_HARM_INTENT}, None, ReferralCriterion.SELF_HARM),
    ],
)
def test_each_referral_criterion_escalates(
    intent: str, signals: set[RiskSignal], age_band: str | None, criterion: ReferralCriterion
) -> None:
    decision = decide_escalation(intent, frozenset(signals), age_band)
    assert decision.escalate
    assert criterion in decision.reasons
    assert criterion.description in decision.explanation


@pytest.mark.parametrize(
    ("intent", "signals", "age_band"),
    [
        ("bullying", set(), None),
        ("bullying", set(), "under_13"),
        ("bullying", {S.AGE_UNDER_13}, None),
        ("nude_image_sharing", set(), "age_16_17"),
        ("nude_image_sharing", {S.IMAGE_SHARED_WITHOUT_CONSENT}, "age_13_15"),
        ("harmful_content", set(), None),
        ("law_question", set(), None),
        ("out_of_scope", {S.ADULT_INVOLVED}, None),
        ("out_of_scope", {S.SECRECY_REQUESTED}, None),
        ("out_of_scope", {S.MEETING_PLANNED}, None),
        ("follow_up", {S.ADULT_INVOLVED}, None),
    ],
)
def test_no_criterion_no_escalation(intent: str, signals: set[RiskSignal], age_band: str | None) -> None:
    decision = decide_escalation(intent, frozenset(signals), age_band)
    assert not decision.escalate
    assert decision.explanation == []


@pytest.mark.parametrize(
    ("intent", "text", "criteria"),
    [
        ("nude_image_sharing", "im 11 and a boy keeps asking me for pics", {ReferralCriterion.UNDER_13}),
        ("grooming", "a 30 year old man wants to meet me", {ReferralCriterion.ADULT_INVOLVED}),
        ("bullying", "they said they are going to kill me after school", {ReferralCriterion.EXTREME_OR_VIOLENT}),
    ],
)
def test_named_cases_from_the_issue(intent: str, text: str, criteria: set[ReferralCriterion]) -> None:
    assert criteria <= set(decide_escalation(intent, detect_signals(text)).reasons)


@pytest.mark.parametrize(
    "text", ["some old guy on kik sends me £20 every time i talk to him", "im 11 and a man on roblox wants my snapchat"]
)
def test_words_showing_grooming_are_read_as_grooming_when_the_nlu_could_not_place_them(text: str) -> None:
    decision = decide_escalation("out_of_scope", detect_signals(text))
    assert decision.topic is Topic.GROOMING
    assert decision.escalate


def test_extreme_material_is_read_as_harmful_content_when_the_nlu_could_not_place_it() -> None:
    decision = decide_escalation("out_of_scope", detect_signals("someone in the gc posted beheading videos"))
    assert decision.topic is Topic.HARMFUL_CONTENT
    assert ReferralCriterion.EXTREME_OR_VIOLENT in decision.reasons


def test_a_threat_of_violence_is_read_as_bullying_when_the_nlu_could_not_place_it() -> None:
    decision = decide_escalation("out_of_scope", detect_signals("they said theyre gonna batter me at the bus stop"))
    assert decision.topic is Topic.BULLYING
    assert ReferralCriterion.EXTREME_OR_VIOLENT in decision.reasons


def test_everyday_plans_with_an_adult_are_not_grooming() -> None:
    decision = decide_escalation("out_of_scope", detect_signals("my nan is meeting us at the station on friday"))
    assert decision.topic is Topic.OTHER
    assert not decision.escalate


def test_being_told_to_keep_it_secret_is_a_sign_of_grooming() -> None:
    decision = decide_escalation("how_to_report", detect_signals("he said dont tell ur parents"))
    assert ReferralCriterion.COERCION_OR_BLACKMAIL in decision.reasons


def test_plain_bullying_is_not_escalated() -> None:
    text = "people in my year keep leaving me out of the group chat and laughing at my posts"
    assert not decide_escalation("bullying", detect_signals(text)).escalate


def test_reasons_are_in_words_a_safeguarding_lead_recognises() -> None:
    decision = decide_escalation("grooming", frozenset({S.ADULT_INVOLVED}), "age_13_15")
    assert decision.explanation == [
        "An adult (18 or over) is involved",
        "Coercion, blackmail or grooming",
    ]


def test_signals_from_earlier_in_the_conversation_still_count() -> None:
    context = ConversationContext(topic=Topic.GROOMING, signals=frozenset({S.ADULT_INVOLVED}))
    later = decide_escalation("nude_image_sharing", frozenset({S.IMAGES_REQUESTED}), context=context)
    assert ReferralCriterion.ADULT_INVOLVED in later.reasons
    assert {"adult_involved", "images_requested"} <= set(later.signal_names)


def test_a_follow_up_detail_is_read_in_the_conversations_topic_and_updates_the_decision() -> None:
    first = decide_escalation("nude_image_sharing", detect_signals("i sent a pic to a guy i met online"))
    assert not first.escalate
    context = ConversationContext(topic=first.topic, signals=first.signals, reasons=frozenset(first.reasons))
    later = decide_escalation("follow_up", detect_signals("he's 25"), context=context)
    assert later.topic is Topic.NUDE_IMAGE_SHARING
    assert later.new_reasons == (ReferralCriterion.ADULT_INVOLVED,)


def test_a_detail_the_nlu_could_not_place_still_counts_in_context() -> None:
    context = ConversationContext(topic=Topic.GROOMING, reasons=frozenset({ReferralCriterion.COERCION_OR_BLACKMAIL}))
    later = decide_escalation("nlu_fallback", detect_signals("hes like 30"), context=context)
    assert later.topic is Topic.GROOMING
    assert later.new_reasons == (ReferralCriterion.ADULT_INVOLVED,)


def test_a_follow_up_with_no_conversation_has_no_topic() -> None:
    assert decide_escalation("follow_up", frozenset()).topic is Topic.FOLLOW_UP


def test_danger_in_a_follow_up_is_answered_as_danger() -> None:
    context = ConversationContext(topic=Topic.GROOMING)
    decision = decide_escalation("follow_up", detect_signals("and now hes outside my house"), context=context)
    assert decision.topic is Topic.IMMEDIATE_DANGER
    assert ReferralCriterion.IMMEDIATE_RISK in decision.new_reasons


@pytest.mark.parametrize(
    "text",
    ["what should i do if someone from a game asks to meet up", "he's never asked for pics or to meet, should we worry?"],
)
def test_a_question_about_grooming_in_general_is_not_a_referral(text: str) -> None:
    reading = read_signals(text)
    assert reading.asked_in_general
    assert not decide_escalation("grooming", reading.signals, asked_in_general=reading.asked_in_general).escalate


@pytest.mark.parametrize(
    "text",
    [
        "how do groomers usually pick which kids to target?",
        "what is sextortion? its for a pshe lesson",
        "what are the signs someone is grooming my child online",
        "what do sextortion scammers usually say",
    ],
)
def test_a_question_marked_as_general_is_not_a_referral(text: str) -> None:
    reading = read_signals(text)
    assert reading.asked_in_general
    assert not decide_escalation("grooming", reading.signals, asked_in_general=reading.asked_in_general).escalate


def test_a_general_question_marker_does_not_cancel_what_the_message_states() -> None:
    reading = read_signals("for a pshe lesson: a 30 year old man keeps asking my pupil to meet up")
    assert {S.ADULT_INVOLVED, S.MEETING_PLANNED} <= reading.signals
    assert not reading.asked_in_general


def test_a_grooming_disclosure_without_signals_is_still_a_referral() -> None:
    reading = read_signals("this lad online keeps saying im really mature for my age")
    assert not reading.asked_in_general
    assert decide_escalation("grooming", reading.signals, asked_in_general=reading.asked_in_general).escalate


def _parse(top: str, *ranked: str) -> dict:
    return {"intent": {"name": top}, "intent_ranking": [{"name": name} for name in (top, *ranked)]}


def test_a_follow_up_with_nothing_before_it_is_read_as_its_next_best_intent() -> None:
    parse = _parse("follow_up", "grooming", "bullying")
    assert intent_in_context(parse, frozenset(), ConversationContext()) == "grooming"
    assert intent_in_context(parse, frozenset(), ConversationContext(topic=Topic.SEXTORTION)) == "follow_up"


def test_an_unsure_message_that_states_a_risk_is_read_as_its_best_real_intent() -> None:
    parse = _parse("nlu_fallback", "follow_up", "nude_image_sharing")
    assert intent_in_context(parse, frozenset({S.ADULT_INVOLVED}), ConversationContext()) == "nude_image_sharing"
    assert intent_in_context(parse, frozenset(), ConversationContext()) == "nlu_fallback"
    in_a_conversation = ConversationContext(topic=Topic.GROOMING)
    assert intent_in_context(parse, frozenset({S.ADULT_INVOLVED}), in_a_conversation) == "nlu_fallback"
