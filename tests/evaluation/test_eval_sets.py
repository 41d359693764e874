"""The held-out sets stay held out and well-formed."""

import re
from pathlib import Path

import pytest
import yaml

from bot.evaluation.__main__ import EVAL_SETS, load_set
from bot.safeguarding.signals import RiskSignal
from bot.settings import REPO_ROOT


def _training_examples() -> set[str]:
    examples: set[str] = set()
    for path in (REPO_ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line.strip()[2:])
                    examples.add(" ".join(plain.lower().split()))
    return examples


@pytest.mark.parametrize("path", list(EVAL_SETS.values()), ids=list(EVAL_SETS))
def test_no_evaluation_message_is_in_the_training_data(path: Path) -> None:
    training = _training_examples()
    leaked = [item.text for item in load_set(path) if " ".join(item.text.lower().split()) in training]
    assert leaked == []


@pytest.mark.parametrize("path", list(EVAL_SETS.values()), ids=list(EVAL_SETS))
def test_labels_use_known_intents_and_signals(path: Path) -> None:
    intents = set(yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    signals = {signal.value for signal in RiskSignal}
    items = load_set(path)
    assert {item.intent for item in items} <= intents
    assert set().union(*(item.signals for item in items)) <= signals
    assert len({item.text for item in items}) == len(items)


def test_the_dev_set_is_large_enough() -> None:
    assert len(load_set(EVAL_SETS["dev"])) >= 300
