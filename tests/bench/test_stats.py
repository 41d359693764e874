"""The benchmark's figures, checked by hand on small examples."""

from __future__ import annotations

import math

from tests.bench.stats import Latency, LoadResult, percentile


def test_percentile_is_the_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 0.50) == 50
    assert percentile(samples, 0.95) == 95
    assert percentile(samples, 0.99) == 99
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2
    assert percentile([7.0], 0.99) == 7
    assert math.isnan(percentile([], 0.5))


def test_latency_is_reported_in_milliseconds() -> None:
    latency = Latency.of([0.010, 0.020, 0.030, 0.040])
    assert latency == Latency(count=4, p50_ms=20.0, p95_ms=40.0, p99_ms=40.0)


def test_throughput_counts_answered_turns_not_bot_messages() -> None:
    latency = Latency.of([0.1])
    result = LoadResult(chats=2, seconds=10.0, turns_answered=50, bot_messages=120, unanswered=0, holding_replies=0,
                        turn=latency, first_reply=latency)
    assert result.replies_per_second == 5.0
    assert result.messages_per_second == 12.0
