"""A quick run of the benchmark (20 articles) so it cannot rot; no timing is asserted."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from hadath.config import REPO_ROOT

pytestmark = pytest.mark.integration


def test_benchmark_smoke_run(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--articles", "20", "--steady-articles", "5", "--steady-rate", "5",
         "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = orjson.loads(run.stdout.strip().splitlines()[-1])
    for key in ("articles_per_s", "p95_latency_s", "peak_rss_mb", "full_over_noop"):
        assert summary[key] is not None and summary[key] > 0, key
    assert (tmp_path / "RESULTS.md").read_text().startswith("# Benchmark")
    assert len(list((tmp_path / "results").glob("*.json"))) == 1
