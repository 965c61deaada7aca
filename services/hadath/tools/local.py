"""A local stack for `hadath demo`, the bench and the tests: every part of production, for real.

An embedded broker, the worker and the sink (as separate processes, as in
production), a replay of the seeds, then a wait until every article is
accounted for and every event is stored.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pydantic import SecretStr

from hadath.config import Settings
from hadath.kafka import EXIT_LOG_LOST, committed_offsets, read_topic
from hadath.sink.store import open_store
from hadath.tools.broker import EmbeddedBroker


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as HADATH_* variables, for child processes."""
    env = {}
    for name, value in settings.model_dump().items():
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None:
            env[f"HADATH_{name.upper()}"] = str(value)
    return env


@dataclass
class LocalStack:
    settings: Settings
    log_dir: Path
    broker: EmbeddedBroker
    worker: subprocess.Popen | None = None
    sink: subprocess.Popen | None = None

    def _spawn(self, role: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{role}.log", "ab")
        env = {**os.environ, **settings_env(self.settings), "PYTHONUNBUFFERED": "1"}
        return subprocess.Popen([sys.executable, "-m", "hadath", role], stdout=log, stderr=log, env=env)

    def start_worker(self) -> None:
        self.worker = self._spawn("worker")

    def start_sink(self) -> None:
        self.sink = self._spawn("sink")

    def kill(self, role: str) -> None:
        process = getattr(self, role)
        if process and process.poll() is None:
            process.kill()
            process.wait()

    def restart_broker(self) -> None:
        """Stop the broker and start a new one on the same port (memory storage: it comes back empty)."""
        self.broker.stop()
        self.broker.start()

    def stop(self) -> None:
        for process in (self.worker, self.sink):
            if process and process.poll() is None:
                process.terminate()
        for process in (self.worker, self.sink):
            if process:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def check_alive(self) -> None:
        """Raise if a role died; restart a worker that exited because the broker lost its log,
        as a supervisor (compose, Kubernetes) does."""
        for role in ("worker", "sink"):
            process = getattr(self, role)
            if role == "worker" and process and process.poll() == EXIT_LOG_LOST:
                self.start_worker()
                continue
            if process and process.poll() is not None:
                log = (self.log_dir / f"{role}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the {role} exited with code {process.returncode}; its log ends:\n{log}")


@contextmanager
def local_stack(work_dir: Path, database_url: str | None = None, **overrides) -> Iterator[LocalStack]:
    """Broker + worker + sink on this machine; everything is stopped on exit."""
    work_dir.mkdir(parents=True, exist_ok=True)
    broker = EmbeddedBroker(log_path=work_dir / "tansu.log").start()
    settings = Settings(
        brokers=broker.bootstrap,
        database_url=database_url or f"sqlite:///{(work_dir / 'events.db').resolve()}",
        data_dir=work_dir,
        **overrides,
    )
    stack = LocalStack(settings, work_dir, broker)
    try:
        yield stack
    finally:
        stack.stop()
        stack.broker.stop()


async def wait_until_consumed(stack: LocalStack, last_offsets: dict[int, int], timeout: float) -> None:
    """Until the worker group has committed past every published article."""
    s = stack.settings
    deadline = time.monotonic() + timeout
    while True:
        stack.check_alive()
        committed = await committed_offsets(s, s.worker_group, s.articles_topic)
        if all(committed.get(p, 0) > off for p, off in last_offsets.items()):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker did not process every article within {timeout:.0f}s "
                               f"(committed {committed}, published up to {last_offsets})")
        await asyncio.sleep(0.5)


async def wait_until_stored(stack: LocalStack, event_ids: set[str], timeout: float) -> None:
    store = open_store(stack.settings.database_url)
    deadline = time.monotonic() + timeout
    try:
        while not event_ids <= set(store.event_ids()):
            stack.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the sink did not store every event within {timeout:.0f}s")
            await asyncio.sleep(0.5)
    finally:
        store.close()


@dataclass
class RunResult:
    articles: int
    events: list[dict]
    dead_letters: list
    store: str


async def collect(stack: LocalStack, published: int, last_offsets: dict[int, int], timeout: float) -> RunResult:
    """Wait for the pipeline to finish what was published and return what it produced."""
    import orjson

    s = stack.settings
    await wait_until_consumed(stack, last_offsets, timeout)
    events = [orjson.loads(r.value) for r in await read_topic(s, s.events_topic)]
    dead = await read_topic(s, s.articles_dlq_topic, idle_s=1.0)
    await wait_until_stored(stack, {e["event_id"] for e in events}, timeout)
    return RunResult(published, events, dead, s.database_url)
