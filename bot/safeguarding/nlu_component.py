"""The risk-signal detector as a Rasa NLU pipeline component (named in config.yml).

It adds `risk_signals` (a sorted list of signal names) and `risk_asked_in_general` to every parsed message, so the custom actions,
the triage CLI and Rasa's parse API all see the same signals. It learns nothing from the training data:
the lexicon (data/lexicon/risk_signals.yml) is read when the model is loaded, so editing it needs no
retraining.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safeguarding.signals import PARSE_KEY, QUESTION_KEY, SignalDetector, load_detector
from bot.settings import load_settings


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class RiskSignalExtractor(GraphComponent):
    """Adds the risk signals a message states to its parse result."""

    def __init__(self, detector: SignalDetector) -> None:
        self._detector = detector

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options: the lexicon path comes from the RISK_LEXICON setting."""
        return {}

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy provides the tokenizer, lemmatizer and matchers."""
        return ["spacy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RiskSignalExtractor:
        """Builds the detector from the configured lexicon when the model is loaded."""
        return cls(load_detector(load_settings().risk_lexicon))

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets `risk_signals` and `risk_asked_in_general` on each message, in the output Rasa returns."""
        for message in messages:
            reading = self._detector.read(message.get(TEXT) or "")
            message.set(PARSE_KEY, sorted(signal.value for signal in reading.signals), add_to_output=True)
            message.set(QUESTION_KEY, reading.asked_in_general, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples need no signals: nothing downstream learns from them."""
        return training_data
