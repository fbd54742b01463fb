"""Several coder processes at once: no lost update, no duplicate, one event per coding."""

from __future__ import annotations

import pytest

from bench.concurrency import run


@pytest.mark.slow
def test_concurrent_coders_lose_nothing(database_url):
    workers = 4 if database_url.startswith("sqlite") else 8
    outcome = run(database_url, workers, per_worker=40)
    assert outcome.intended == workers * 40
    assert outcome.applications == outcome.distinct == outcome.events == outcome.intended
