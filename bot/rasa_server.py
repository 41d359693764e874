"""`python -m bot.rasa_server run ...`: Rasa's own command line, with three fixes to Rasa 3.6 that
profiling the server (under load, and starting) showed to be worth having (docs/performance.md).

- Rasa checks every action-server answer against its JSON schema with `jsonschema.validate`, which
  builds a validator and checks the (large) schema against the meta-schema on every call: over half
  the server's CPU time at 20 chats. Here the validator is built once; answers are checked exactly as
  before, and an invalid one still raises the same `ValidationError`.
- Rasa opens a new aiohttp session, so a new TCP connection, for every call to the action server.
  Here each endpoint keeps one session and reuses its connections. Idle connections are dropped after
  KEEPALIVE_SECONDS, before the action server (bot.action_server) closes them, so a call never lands
  on a connection the server has just closed.
- Loading DIET, Rasa runs a training step only to create the weights it then reads: most of the
  start-up time. Here the weights are read without it (`load_for_serving`).

Every `rasa` command and argument works unchanged (`python -m bot.rasa_server --help`); the launcher
starts the Rasa server this way. Nothing is patched on import: `main()` applies the fixes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

# Shorter than the action server keeps an idle connection open (bot.action_server.KEEPALIVE_SECONDS).
KEEPALIVE_SECONDS = 10.0


@lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    """The validator for Rasa's action-server answer schema, built (and the schema checked) once."""
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Replaces `RemoteAction._validate_action_result`: the same check and error, the validator reused."""
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (". Failed to validate Action server response from API, make sure your response from the "
                          "Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error
    return True


class _KeptSession:
    """`async with` over a session that outlives the block (Rasa closes the session it is given)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def kept_session(self: Any) -> _KeptSession:
    """Replaces `EndpointConfig.session`: the endpoint's one session, with its pooled connections."""
    loop = asyncio.get_running_loop()
    # Kept on the endpoint, one per event loop: a session belongs to the loop it was made on.
    by_loop: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = vars(self).setdefault("_kept_sessions", {})
    session = by_loop.get(loop)
    if session is None or session.closed:
        from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        by_loop[loop] = session
    return _KeptSession(session)


def load_for_serving(rasa_load: Callable[..., Any]) -> Callable[..., Any]:
    """A replacement for `RasaModel.load` that reads the trained weights without a training step first.

    Rasa trains the loaded model on one example before reading its weights, only to create them
    (and the optimiser's, needed for fine-tuning): tracing that training step is most of a minute's
    start-up on two cores. TensorFlow restores a checkpoint's weights into variables created after
    the read, so here the weights are read first and created by the one prediction Rasa runs anyway
    to prepare for answering. Fine-tuning keeps Rasa's own way (`rasa_load`).
    """

    def load(cls: Any, model_file_name: str, model_data_example: Any, predict_data_example: Any = None,
             finetune_mode: bool = False, *args: Any, **kwargs: Any) -> Any:
        if finetune_mode or not predict_data_example:
            return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
        model = cls(*args, **kwargs)
        model.load_weights(model_file_name).expect_partial()  # the optimiser's state is not needed to answer
        model.run_inference(predict_data_example)
        return model

    return load


def apply_fixes() -> None:
    """Install the fixes into Rasa's classes."""
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.tensorflow.models import RasaModel

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = kept_session  # type: ignore[method-assign]
    RasaModel.load = classmethod(load_for_serving(RasaModel.__dict__["load"].__func__))  # type: ignore[assignment]


def main() -> None:
    """Rasa's command line, after applying the fixes."""
    apply_fixes()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
