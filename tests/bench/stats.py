"""Figures for the benchmark report: latency percentiles and throughput, computed the same way for
every phase and for the baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` 0.95 for p95): a value that was actually measured."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """p50/p95/p99 of a set of latencies, in milliseconds."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        """Percentiles of latencies given in seconds."""
        milliseconds = [value * 1000 for value in seconds]
        return cls(len(milliseconds), *(percentile(milliseconds, f) for f in (0.50, 0.95, 0.99)))


@dataclass(frozen=True)
class LoadResult:
    """One load phase: how many chats, for how long, and what came back."""

    chats: int
    seconds: float
    turns_answered: int
    bot_messages: int
    unanswered: int  # a turn whose full reply did not arrive within the turn timeout
    holding_replies: int  # "your message is kept" replies, sent when the assistant took over 4 s
    turn: Latency  # user message in, last reply message sent (the Exit button marks the last)
    first_reply: Latency

    @property
    def replies_per_second(self) -> float:
        """Answered user messages per second (a turn's several bot messages count once)."""
        return self.turns_answered / self.seconds if self.seconds else 0.0

    @property
    def messages_per_second(self) -> float:
        """Bot messages per second: what Telegram's limit of about 30 a second overall counts."""
        return self.bot_messages / self.seconds if self.seconds else 0.0
