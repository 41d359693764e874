"""Risk signals: the facts in a message that the referral criteria turn on.

The detector is a blank spaCy English pipeline (tokenizer plus a lookup lemmatizer whose table we write,
so nothing is downloaded) with a `Matcher` and a `PhraseMatcher` built from data/lexicon/risk_signals.yml.
A match only counts when the message states it: a negation earlier in the same clause ("he didn't ask to
meet") or a hypothetical opener earlier in the same sentence ("what if someone asks for pics") cancels
it. Self-harm and immediate danger are cancelled only by openers about someone else ("what should I do
if someone is following me"): "what if I just end it all" must still reach a human.

The Rasa pipeline runs this detector on every message (bot/safeguarding/nlu_component.py), so the
actions and the triage CLI read the same signals from the parse result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARSE_KEY = "risk_signals"  # the key under which the Rasa parse result carries the signal names
QUESTION_KEY = "risk_asked_in_general"  # true when the message only asks about risks it does not disclose


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


EXCLUDE_WINDOW = 3  # tokens before a match in which an `exclude_before` word cancels it


@dataclass(frozen=True)
class SignalReading:
    """What a message says about risk: the signals it states, and whether it only asks in general.

    `asked_in_general` is true when the message states no signal but asks about one ("what should I
    do if someone asks to meet up"), denies one ("he's never asked for pics, should we worry?") or is
    marked as a question in general ("how do groomers pick kids? it's for a PSHE lesson").
    """

    signals: frozenset[RiskSignal]
    asked_in_general: bool


@dataclass(frozen=True)
class SignalRules:
    """How one signal is recognised, as read from the lexicon."""

    signal: RiskSignal
    counts_when_hypothetical: bool
    exclude_before: frozenset[str]
    exclude_after: frozenset[str]


def _regular_forms(lemma: str, doubled: bool) -> set[str]:
    stem = lemma + lemma[-1] if doubled else lemma
    if lemma.endswith("e") and not lemma.endswith("ee"):
        return {lemma + "s", lemma + "d", lemma[:-1] + "ing", lemma[:-1] + "in"}
    return {lemma + "s", lemma + "es", stem + "ed", stem + "ing", stem + "in"}


def lemma_table(lemmas: Mapping[str, Any]) -> dict[str, str]:
    """Inflected form -> lemma, generated from the lexicon's verbs and nouns plus its irregular forms."""
    table: dict[str, str] = {}
    doubled = set(lemmas.get("doubled", []))
    for verb in lemmas.get("verbs", []):
        table.update(dict.fromkeys(_regular_forms(verb, verb in doubled), verb))
    for noun in lemmas.get("nouns", []):
        table.update({noun + "s": noun, noun + "es": noun})
    table.update({str(form): str(lemma) for form, lemma in lemmas.get("irregular", {}).items()})
    return table


def _normalise(text: str) -> str:
    return re.sub(r"[’‘`]", "'", text).lower()


class SignalDetector:
    """Finds stated risk signals in a message with spaCy matchers over a lexicon."""

    def __init__(self, lexicon: Mapping[str, Any]) -> None:
        import spacy  # imported here: loading spaCy is slow, and importing this module must stay cheap
        from spacy.lookups import Lookups
        from spacy.matcher import Matcher, PhraseMatcher

        self._nlp = spacy.blank("en")
        self._lemma_of = lemma_table(lexicon["lemmas"])
        lookups = Lookups()
        lookups.add_table("lemma_lookup", self._lemma_of)
        self._nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize(lookups=lookups)
        self._sets: dict[str, list[str]] = {name: [str(w) for w in words] for name, words in lexicon["word_sets"].items()}
        self._regexes: dict[str, str] = dict(lexicon["token_regexes"])
        self._negations = frozenset(lexicon["negation_words"]) | {"not"}
        self._negation_list = sorted(self._negations)
        self._negation_window = int(lexicon["negation_window"])
        self._released_by = frozenset(lexicon["negation_released_by"])
        self._clause_breaks = frozenset(lexicon["clause_breaks"])
        self._new_subjects = frozenset(lexicon["new_subjects"])
        self._sentence_breaks = frozenset(lexicon["sentence_breaks"])
        self._hypothetical = tuple(f" {marker} " for marker in lexicon["hypothetical_markers"])
        self._about_someone_else = tuple(f" {marker} " for marker in lexicon["hypothetical_about_someone_else"])
        # A message that states no signal asks in general when it has an opener or a general-question marker.
        self._asking = self._hypothetical + tuple(f" {marker} " for marker in lexicon["general_question_markers"])
        self._matcher = Matcher(self._nlp.vocab)
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._rules: dict[str, SignalRules] = {}
        for name, spec in lexicon["signals"].items():
            signal = RiskSignal(name)
            self._rules[name] = SignalRules(
                signal=signal,
                counts_when_hypothetical=bool(spec.get("counts_when_hypothetical", False)),
                exclude_before=frozenset(self._expand(spec.get("exclude_before", []))),
                exclude_after=frozenset(self._expand(spec.get("exclude_after", []))),
            )
            self._matcher.add(name, [self.compile_pattern(pattern) for pattern in spec.get("patterns", [])])
            if spec.get("phrases"):
                self._phrases.add(name, [self._nlp.make_doc(_normalise(p)) for p in spec["phrases"]])

    def _expand(self, words: Iterable[str]) -> list[str]:
        """The lemmas a pattern's words stand for: a set's members, and "pills" read as "pill" (tokens are
        matched on their lemma, so an inflected word in a pattern would otherwise never match)."""
        expanded: list[str] = []
        for word in words:
            for member in self._sets[word[1:]] if word.startswith("@") else [word]:
                expanded.extend(dict.fromkeys((member, self._lemma_of.get(member, member))))
        return expanded

    def compile_pattern(self, pattern: str) -> list[dict[str, Any]]:
        """One lexicon pattern string as a spaCy Matcher pattern (the language is described in the lexicon)."""
        tokens: list[dict[str, Any]] = []
        for part in pattern.split():
            if part.startswith("~"):
                # A gap never skips a negation: "she is not 12" must not match "she is ~1 <age>".
                tokens.append({"IS_PUNCT": False, "LEMMA": {"NOT_IN": self._negation_list}, "OP": "{0," + part[1:] + "}"})
                continue
            optional = part.endswith("?") and len(part) > 1
            word = part[:-1] if optional else part
            if word.startswith("%"):
                token: dict[str, Any] = {"LOWER": {"REGEX": self._regexes[word[1:]]}}
            else:
                token = {"LEMMA": {"IN": self._expand(word.split("|"))}}
            if optional:
                token["OP"] = "?"
            tokens.append(token)
        return tokens

    def read(self, text: str) -> SignalReading:
        """The risk signals the message states (not negated, not merely asked about)."""
        doc = self._nlp(_normalise(text))
        lemmas = [token.lemma_ or token.lower_ for token in doc]
        found: set[RiskSignal] = set()
        cancelled = False
        matches = list(self._matcher(doc)) + list(self._phrases(doc))
        for match_id, start, end in sorted(matches, key=lambda match: match[1]):
            rules = self._rules[self._nlp.vocab.strings[match_id]]
            if rules.signal in found or self._excluded(rules, lemmas, start, end):
                continue
            markers = self._about_someone_else if rules.counts_when_hypothetical else self._hypothetical
            if self._negated(lemmas, start) or self._hypothetical_before(lemmas, doc, start, markers):
                cancelled = True
                continue
            found.add(rules.signal)
        asks = cancelled or self._has_marker(doc, self._asking)
        return SignalReading(frozenset(found), asked_in_general=not found and asks)

    def detect(self, text: str) -> frozenset[RiskSignal]:
        """The risk signals the message states."""
        return self.read(text).signals

    def _excluded(self, rules: SignalRules, lemmas: list[str], start: int, end: int) -> bool:
        """An `exclude_before` word shortly before the match in the same clause and with no new subject
        between ("I'm a teacher", not "I'm 14 and a man..."), or an `exclude_after` word right after it."""
        window = lemmas[max(0, start - EXCLUDE_WINDOW) : start]
        breaks = [
            index for index, lemma in enumerate(window) if lemma in self._clause_breaks or lemma in self._new_subjects
        ]
        before = set(window[breaks[-1] + 1 :] if breaks else window)
        return bool(before & rules.exclude_before) or (end < len(lemmas) and lemmas[end] in rules.exclude_after)

    def _negated(self, lemmas: list[str], start: int) -> bool:
        """A negation earlier in the same clause, close enough to govern the match."""
        for index in range(start - 1, max(-1, start - 1 - self._negation_window), -1):
            if lemmas[index] in self._clause_breaks:
                return False
            if lemmas[index] in self._negations:
                released = set(lemmas[index + 1 : index + 3]) & self._released_by
                in_condition = {"if", "unless"} & set(lemmas[max(0, index - 3) : index])  # "if i dont pay, he'll..."
                return not released and not in_condition
        return False

    def _hypothetical_before(self, lemmas: list[str], doc: Any, start: int, markers: tuple[str, ...]) -> bool:
        """A hypothetical opener ("what if", "if someone") earlier in the same sentence."""
        first = start
        while first > 0 and lemmas[first - 1] not in self._sentence_breaks:
            first -= 1
        # An opener about someone else may end in the match itself: "what do i do if [someone is following me]".
        end = start + 1 if markers is self._about_someone_else else start
        return self._has_marker(doc[first:end], markers)

    @staticmethod
    def _has_marker(span: Any, markers: tuple[str, ...]) -> bool:
        words = " " + " ".join(token.lower_ for token in span) + " "
        return any(marker in words for marker in markers)


@lru_cache(maxsize=4)
def load_detector(lexicon_path: Path) -> SignalDetector:
    """The detector for a lexicon file, built once per process."""
    with lexicon_path.open(encoding="utf-8") as handle:
        return SignalDetector(yaml.safe_load(handle))


def read_signals(text: str, lexicon_path: Path | None = None) -> SignalReading:
    """What a message says about risk, using the configured lexicon."""
    if lexicon_path is None:
        from bot.settings import load_settings

        lexicon_path = load_settings().risk_lexicon
    return load_detector(lexicon_path).read(text)


def detect_signals(text: str, lexicon_path: Path | None = None) -> frozenset[RiskSignal]:
    """The risk signals a message states, using the configured lexicon."""
    return read_signals(text, lexicon_path).signals


def signals_from_names(names: Iterable[str] | None) -> frozenset[RiskSignal]:
    """Signals stored in a slot or a parse result, skipping names this version does not know."""
    known = {signal.value for signal in RiskSignal}
    return frozenset(RiskSignal(name) for name in names or [] if name in known)


def reading_in_parse(parse: Mapping[str, Any]) -> SignalReading:
    """What the Rasa pipeline's risk-signal component added to a parse result."""
    return SignalReading(signals_from_names(parse.get(PARSE_KEY)), bool(parse.get(QUESTION_KEY)))
