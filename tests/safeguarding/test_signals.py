"""The spaCy risk-signal detector: stated facts are found; negated and hypothetical ones are not."""

import pytest
import yaml

from bot.safeguarding.signals import RiskSignal, detect_signals
from bot.settings import load_settings

S = RiskSignal

# For every signal: a disclosure that states it, the same fact negated, and the same fact asked about.
CASES: dict[RiskSignal, tuple[str, str, str]] = {
    S.ADULT_INVOLVED: (
        "hes 25 and keeps messaging me",
        "he's not an adult, he's in my year",
        "what if an adult messages my daughter",
    ),
    S.AGE_UNDER_13: (
        "im 11 and someone asked me for pics",
        "she is not 12, she's 15",
        "what if a 9 year old sees this",
    ),
    S.IMAGES_REQUESTED: (
        "he keeps asking me to send nudes",
        "she never asked me to send nudes",
        "what if someone asks for pics",
    ),
    S.IMAGE_SHARED_WITHOUT_CONSENT: (
        "my pics got leaked to the whole year",
        "he hasn't shared my pics with anyone",
        "what if someone shares my nudes",
    ),
    S.THREAT_TO_SHARE: (
        "he said he will share my photos with everyone unless i pay",
        "she never threatened to post them",
        "what happens if someone threatens to leak my pics",
    ),
    S.MONEY_DEMANDED: (
        "they want £200 or they post it",
        "they didn't ask for money",
        "what if they demand money",
    ),
    S.SECRECY_REQUESTED: (
        "he told me to keep it a secret",
        "he never said to keep it secret",
        "what if someone tells my child not to tell me",
    ),
    S.MEETING_PLANNED: (
        "he wants to meet up this weekend",
        "he didn't ask to meet",
        "what if he asks to meet up",
    ),
    S.GIFTS_OFFERED: (
        "he sent me robux and skins",
        "he has never sent me gift cards",
        "what if someone offers my son v bucks",
    ),
    S.MOVED_TO_PRIVATE_CHAT: (
        "he asked me to move to snapchat",
        "she didn't ask me to move to whatsapp",
        "what if someone wants my number",
    ),
    S.VIOLENCE_THREATENED: (
        "they said they will stab me after school",
        "nobody has threatened to hurt me",
        "what if they threaten to beat me up",
    ),
    S.SELF_HARM_INTENT: (
        "i want to kill myself",
        "i'm not going to kill myself, i just feel sad",
        "",  # self-harm counts even when asked about: see test_self_harm_and_danger_count_when_asked_about
    ),
    S.IMMEDIATE_DANGER: (
        "hes outside my house right now",
        "he isn't outside my house, he's in another city",
        "",
    ),
    S.EXTREME_CONTENT: (
        "someone sent a beheading video in the group",
        "it wasn't gore, just a meme",
        "what if my son sees terrorist propaganda",
    ),
}


@pytest.mark.parametrize(("signal", "text"), [(signal, cases[0]) for signal, cases in CASES.items()])
def test_signal_found_when_stated(signal: RiskSignal, text: str) -> None:
    assert signal in detect_signals(text)


@pytest.mark.parametrize(("signal", "text"), [(signal, cases[1]) for signal, cases in CASES.items()])
def test_negated_signal_is_not_found(signal: RiskSignal, text: str) -> None:
    assert signal not in detect_signals(text)


@pytest.mark.parametrize(("signal", "text"), [(signal, cases[2]) for signal, cases in CASES.items() if cases[2]])
def test_hypothetical_signal_is_not_a_disclosure(signal: RiskSignal, text: str) -> None:
    assert signal not in detect_signals(text)


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("what if i just kill myself", S.SELF_HARM_INTENT),
        ("what if he is outside my house right now", S.IMMEDIATE_DANGER),
    ],
)
def test_self_harm_and_danger_count_when_asked_about(text: str, signal: RiskSignal) -> None:
    """Missing a real disclosure costs more than a false alarm, so "what if" does not cancel these two."""
    assert signal in detect_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "this game is killing me",
        "im dying of laughter",
        "send me the homework pics",
        "my phone is dead",
        "my mum will kill me if im late",
        "this level is going to kill me",
        "can you get your mum to sign the permission slip",
        "hi",
        "",
    ],
)
def test_everyday_messages_carry_no_risk_signal(text: str) -> None:
    assert detect_signals(text) == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "honestly whats the point of waking up",
        "i wish i wouldnt wake up",
        "no reason to live anymore",
        "she's been cutting herself",
        "i dont want to be here anymore",
        "i have a razor under my bed and i keep staring at it",
        # Pattern words written inflected ("pills", "notes") match their lemma, as the message's words do.
        "i looked up how many pills it takes",
        "i've written notes for my family",
        "i havent taken anything yet but ive got the tablets next to me",
        # Injuries described, not named as self-harm (a parent's words in the self-harm flow test).
        "my daughter has slashes across her wrists and keeps saying its nothing",
        "he has cuts all over his arms",
        "she slashed her wrist last night",
    ],
)
def test_indirect_self_harm_words_are_a_signal(text: str) -> None:
    assert S.SELF_HARM_INTENT in detect_signals(text)


def test_a_negation_does_not_reach_into_the_next_clause() -> None:
    assert S.IMAGES_REQUESTED in detect_signals("i said no but he keeps asking for nudes")


def test_refusing_to_stop_is_not_a_negation() -> None:
    assert S.IMAGES_REQUESTED in detect_signals("he won't stop asking for pics")


def test_a_threat_to_share_is_not_yet_a_sharing() -> None:
    signals = detect_signals("he says he'll post my pics unless i pay")
    assert S.THREAT_TO_SHARE in signals and S.IMAGE_SHARED_WITHOUT_CONSENT not in signals


def test_every_signal_has_rules_in_the_lexicon() -> None:
    lexicon = yaml.safe_load(load_settings().risk_lexicon.read_text(encoding="utf-8"))
    assert set(lexicon["signals"]) == {signal.value for signal in RiskSignal}


def test_a_blade_is_self_harm_only_when_the_person_keeps_looking_at_it() -> None:
    assert S.SELF_HARM_INTENT in detect_signals("ive got a razor and i keep thinking about using it")
    assert S.SELF_HARM_INTENT not in detect_signals("my mate has a blade and keeps looking for trouble")


def test_who_the_user_is_does_not_hide_an_adult_in_the_next_clause() -> None:
    assert RiskSignal.ADULT_INVOLVED in detect_signals("im 14 and a man i met online keeps asking for nudes")
    assert RiskSignal.ADULT_INVOLVED not in detect_signals("i'm a teacher at a secondary school")


def test_keeping_contact_hidden_is_secrecy_but_privacy_settings_are_not() -> None:
    assert S.SECRECY_REQUESTED in detect_signals("he keeps telling me to use vanish mode so nobody knows we talk")
    assert S.SECRECY_REQUESTED not in detect_signals("how do i set my profile so nobody knows my location")


def test_a_veiled_threat_is_violence() -> None:
    assert S.VIOLENCE_THREATENED in detect_signals("they keep messaging me watch ur back")
    assert S.VIOLENCE_THREATENED in detect_signals("someone dmd me saying well kill ur family")


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("my mate's boyfriend is 19 and picks her up from school", S.ADULT_INVOLVED),
        ("she says she's 15 but her insta shows her at uni", S.ADULT_INVOLVED),
        ("a boy keeps sending him 'ur dead tmrw'", S.VIOLENCE_THREATENED),
        ("my brother keeps sending me white supremacist memes", S.EXTREME_CONTENT),
        ("a group saying people should attack mosques", S.EXTREME_CONTENT),
        ("videos of animals being hurt in the group chat", S.EXTREME_CONTENT),
        ("someone posted a video of the crash with the bodies in it", S.EXTREME_CONTENT),
        ("my nephew is 10 and a guy keeps offering him vbucks", S.AGE_UNDER_13),
        ("my little brother said he wishes he was dead", S.SELF_HARM_INTENT),
        ("my girlfriend sends me pics of her cuts", S.SELF_HARM_INTENT),
        ("they're coming round tonight to sort me out", S.IMMEDIATE_DANGER),
        ("he's blackmailing me", S.THREAT_TO_SHARE),
        ("i think im being sextorted", S.THREAT_TO_SHARE),
        ("he took my phone and wont let me leave", S.IMMEDIATE_DANGER),
        ("my pe teacher keeps posting memes about me", S.ADULT_INVOLVED),
        ("a parent from my son's school leaves nasty comments about him", S.ADULT_INVOLVED),
        ("a year 7 boy is showing everyone a nude of a girl in his class", S.AGE_UNDER_13),
        ("i keep getting urges to cut", S.SELF_HARM_INTENT),
        ("my family would have an easier life without me", S.SELF_HARM_INTENT),
        ("if tomorrow didn't come i wouldnt mind", S.SELF_HARM_INTENT),
        ("he says hes going to shoot up the school", S.VIOLENCE_THREATENED),
        ("someone sent me a pic of my house and said see you soon", S.IMMEDIATE_DANGER),
        ("a video of a dog being kicked to death", S.EXTREME_CONTENT),
        ("my son watches incel videos", S.EXTREME_CONTENT),
        ("my stepdad took photos of me while i was changing", S.ADULT_INVOLVED),
        ("is it normal to think about dying all the time", S.SELF_HARM_INTENT),
        ("cant breathe someone is banging on the door", S.IMMEDIATE_DANGER),
        ("the posts praise people who've carried out attacks", S.EXTREME_CONTENT),
        ("they sent me a screenshot of my nude next to my mums facebook profile", S.THREAT_TO_SHARE),
        ("he'll put our private videos on a porn site if i leave him", S.THREAT_TO_SHARE),
        ("they said if i grass to a teacher theyll stab me", S.VIOLENCE_THREATENED),
        ("they'll find out where i live and smash my windows in", S.VIOLENCE_THREATENED),
        ("says im getting my head kicked in on monday", S.VIOLENCE_THREATENED),
        ("he'd get in trouble if anyone found out we talk", S.SECRECY_REQUESTED),
        ("we talk on session now where the msgs disappear", S.MOVED_TO_PRIVATE_CHAT),
        ("he keeps messaging 'tick tock' with a screenshot of my nudes", S.THREAT_TO_SHARE),
        ("he repeats stuff about 'the great replacement'", S.EXTREME_CONTENT),
        ("crash compilation vids where ppl actually die", S.EXTREME_CONTENT),
        ("did it again 😔 deeper this time", S.SELF_HARM_INTENT),
        ("tired of everything. so tired", S.SELF_HARM_INTENT),
    ],
)
def test_risks_in_everyday_words(text: str, signal: RiskSignal) -> None:
    assert signal in detect_signals(text)


@pytest.mark.parametrize("text", ["my cat is dead", "my battery is dead", "my cousin is 19 today"])
def test_everyday_uses_of_the_same_words_are_not_threats(text: str) -> None:
    assert not detect_signals(text) & {S.VIOLENCE_THREATENED, S.EXTREME_CONTENT}


@pytest.mark.parametrize(
    "text",
    [
        "how do sextortion scams usually work?",
        "how can i report a video that's promoting self harm",
        "what law covers someone threatening to share intimate images?",
        "what should i do if someone is following me",
        "my mum's threatening to take my phone if i dont tidy my room",
        "that chemistry mock was a massacre",
        "the teacher said we have to take photos of ourselves for art",
        "my teacher will kill me if im late",
        "i have a revision session on tuesday",
        "tired of revision lol",
    ],
)
def test_naming_or_asking_about_a_harm_is_not_disclosing_it(text: str) -> None:
    assert not detect_signals(text)
