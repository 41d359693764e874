"""`make eval` (`python -m bot.evaluation`): how well the trained model recognises messages it never saw.

Runs the model on seven held-out sets never used for training (tests/eval/*_set.yml): dev, tuning, test,
holdout and the fresh, fresh2 and fresh3 sets. Each was written by a helper who saw neither the training
data nor the other sets; the misses of all seven have since been read and guided the risk-signal lexicon
(docs/evaluation.md says when, and which figures were measured before). To each message, as the first of a
conversation, it applies the same `decide_on_parse` the bot uses; it prints the figures and writes
reports/evaluation.md and a confusion-matrix PNG per set. Then it runs Rasa's NLU cross-validation on the
training data (reports/cross-validation/).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation.metrics import Evaluation, Labelled, Predicted, evaluate
from bot.safeguarding.escalation import decide_on_parse
from bot.safeguarding.signals import RiskSignal
from bot.settings import REPO_ROOT, load_settings
from bot.triage import load_agent

EVAL_SETS = {
    name: REPO_ROOT / "tests" / "eval" / f"{name}_set.yml"
    for name in ("dev", "tuning", "test", "holdout", "fresh", "fresh2", "fresh3")
}
REPORTS = REPO_ROOT / "reports"
TARGETS = {"macro_f1": 0.92, "escalation_recall": 0.98, "false_escalation_rate": 0.05, "out_of_scope": 0.95}


def load_set(path: Path) -> list[Labelled]:
    """The labelled messages of an evaluation set."""
    with path.open(encoding="utf-8") as handle:
        messages = yaml.safe_load(handle)["messages"]
    return [
        Labelled(str(m["text"]), str(m["intent"]), frozenset(m.get("signals") or []), bool(m["escalate"]))
        for m in messages
    ]


def prediction(parse: dict[str, Any]) -> Predicted:
    """The bot's reading of one parsed message, as the first message of a conversation."""
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    decision = decide_on_parse(parse)
    return Predicted(intent, decision.topic.value, frozenset(decision.signal_names), decision.escalate)


async def predict_all(agent: Any, texts: Sequence[str]) -> list[Predicted]:
    """Parse every message with the trained model."""
    return [prediction(await agent.parse_message(text)) for text in texts]


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items] or ["None."]


def _out_of_scope_row(rate: float | None) -> str:
    if rate is None:
        return "| out-of-scope messages given no harm topic | (none in this set) | |"
    return f"| out-of-scope messages given no harm topic | {rate:.3f} | >= {TARGETS['out_of_scope']} ({_mark(rate >= TARGETS['out_of_scope'])}) |"


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def report_lines(name: str, result: Evaluation, total: int) -> list[str]:
    """The evaluation of one set as markdown (its summary is also printed to the terminal)."""
    lines = [
        f"# Recognition on the held-out {name} set ({total} messages)",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| intent macro-F1 | {result.macro_f1:.3f} | >= {TARGETS['macro_f1']} ({_mark(result.macro_f1 >= TARGETS['macro_f1'])}) |",
        f"| intent accuracy | {result.accuracy:.3f} | |",
        f"| escalation recall | {result.escalation_recall:.3f} | >= {TARGETS['escalation_recall']} "
        f"({_mark(result.escalation_recall >= TARGETS['escalation_recall'])}) |",
        f"| false-escalation rate | {result.false_escalation_rate:.3f} | <= {TARGETS['false_escalation_rate']} "
        f"({_mark(result.false_escalation_rate <= TARGETS['false_escalation_rate'])}) |",
        f"| immediate-danger and self-harm messages not escalated | {len(result.must_escalate_missed)} | 0 "
        f"({_mark(not result.must_escalate_missed)}) |",
        _out_of_scope_row(result.out_of_scope_without_harm_topic),
        "",
        "### Intents",
        "",
        "| intent | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |" for name, s in result.intents.items()],
        "",
        "### Risk signals",
        "",
        "| signal | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |" for name, s in result.signals.items()],
        "",
        "### Escalations missed",
        "",
        *_bullets(result.missed_escalations),
        "",
        "### False escalations",
        "",
        *_bullets(result.false_escalations),
        "",
        "### Wrong intents (text, label, predicted)",
        "",
        *_bullets([f"{text} ({gold} -> {predicted})" for text, gold, predicted in result.wrong_intents]),
        "",
    ]
    return lines


def write_confusion_png(name: str, result: Evaluation, path: Path) -> None:
    """The intent confusion matrix as an image (rows: label, columns: prediction)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted({gold for gold, _ in result.confusion} | {predicted for _, predicted in result.confusion})
    matrix = [[result.confusion.get((gold, predicted), 0) for predicted in labels] for gold in labels]
    figure, axes = plt.subplots(figsize=(11, 9))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("label")
    for row, counts in enumerate(matrix):
        for column, count in enumerate(counts):
            if count:
                axes.text(column, row, str(count), ha="center", va="center", fontsize=8)
    axes.set_title(f"Intent confusion on the held-out {name} set")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def cross_validate(folds: int, out: Path) -> str:
    """Rasa's NLU cross-validation on the training data; returns a one-line summary."""
    command = [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
               "--cross-validation", "--folds", str(folds), "--out", str(out)]
    subprocess.run(command, cwd=REPO_ROOT, check=True)
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return (
        f"Cross-validation ({folds} folds, training data): intent macro-F1 {report['macro avg']['f1-score']:.3f}, "
        f"accuracy {report['accuracy']:.3f}"
    )


def main() -> None:
    """Entry point for `python -m bot.evaluation`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(load_settings().model_path), help="trained model (.tar.gz)")
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (0 to skip)")
    parser.add_argument("--sets", nargs="+", choices=list(EVAL_SETS), default=list(EVAL_SETS),
                        help="evaluation sets to run (default: all)")
    args = parser.parse_args()

    agent = load_agent(args.model)
    REPORTS.mkdir(exist_ok=True)
    lines: list[str] = []
    for name in args.sets:
        labelled = load_set(EVAL_SETS[name])
        predicted = asyncio.run(predict_all(agent, [item.text for item in labelled]))
        result = evaluate(labelled, predicted, [signal.value for signal in RiskSignal])
        section = report_lines(name, result, len(labelled))
        write_confusion_png(name, result, REPORTS / f"intent_confusion_{name}.png")
        print("\n".join(section[: section.index("### Escalations missed")]))
        lines += section
    if args.folds:
        summary = cross_validate(args.folds, REPORTS / "cross-validation")
        lines += ["# Cross-validation", "", summary]
        print(summary)
    (REPORTS / "evaluation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nFull report with every miss: {REPORTS / 'evaluation.md'}; confusion matrices: {REPORTS}/intent_confusion_*.png")


if __name__ == "__main__":
    main()
