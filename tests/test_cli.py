"""The CLI's user errors are clear messages with a non-zero exit, never tracebacks."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from hadath.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def test_publish_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["publish", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_publish_unreachable_broker_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("hadath.kafka.asyncio.sleep", _no_wait)
    result = runner.invoke(app, ["publish", str(SEEDS / "003_bfedeb9d58756a4b.txt"), "--brokers", "127.0.0.1:1"])
    assert result.exit_code == 2
    assert "cannot reach Kafka at 127.0.0.1:1" in result.output


async def _no_wait(_seconds):
    return None


def test_bad_published_date_is_a_clear_error():
    result = runner.invoke(app, ["extract", str(SEEDS), "--published", "last tuesday"])
    assert result.exit_code == 2
    assert "--published must be an ISO date" in result.output


def test_train_refuses_test_data(tmp_path):
    test_file = tmp_path / "test.txt"
    test_file.write_text("a O\n")
    result = runner.invoke(app, ["train", "ner", "--train", str(test_file)])
    assert result.exit_code == 2
    assert "test data is for evaluation only" in result.output


def test_schemas_are_current():
    result = runner.invoke(app, ["schemas", "--check"])
    assert result.exit_code == 0, result.output


def test_extract_prints_event_json_lines_for_a_seed():
    result = runner.invoke(app, ["extract", str(SEEDS / "003_bfedeb9d58756a4b.txt"), "--published", "2025-10-21"])
    assert result.exit_code == 0, result.output
    events = [orjson.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert events and all(e["article_id"] == "003_bfedeb9d58756a4b" for e in events)
