"""Rasa's own checks: the training data validates, and every test story passes on the trained model."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from actions.names import Response
from bot.settings import REPO_ROOT, load_settings

RASA_ENVIRONMENT = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                    "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
# Responses sent by custom actions: Rasa's validator cannot see them in stories, so it warns about them.
SENT_BY_ACTIONS = {value for name, value in vars(Response).items() if not name.startswith("_")}


def _rasa(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rasa", *arguments], cwd=REPO_ROOT, env=RASA_ENVIRONMENT,
                          capture_output=True, text=True, timeout=600)


def _unexplained(warning: str) -> bool:
    unused = re.search(r"The utterance '(\w+)' is not used in any story or rule", warning)
    return unused is None or unused.group(1) not in SENT_BY_ACTIONS


def test_rasa_data_validate_has_no_errors_and_no_unexplained_warnings() -> None:
    result = _rasa("data", "validate")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = re.findall(r"UserWarning: (.*)", result.stderr)
    assert [warning for warning in warnings if _unexplained(warning)] == []

@pytest.mark.model
def test_every_test_story_passes_end_to_end(tmp_path: pytest.TempPathFactory) -> None:
    """`rasa test core --e2e`: the NLU must predict each story's intents and entities, and the policies its actions."""
    result = _rasa("test", "core", "--e2e", "--stories", "tests/stories", "--model", str(load_settings().model_path),
                   "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text() if failed.exists() else result.stderr[-5000:]
    assert result.returncode == 0, details
