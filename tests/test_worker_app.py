"""The worker's faust app takes its consumers' fetch wait from the settings (faust has it fixed)."""

from hadath.config import load_settings
from hadath.extractor.app import create_app
from hadath.pipeline.run import NOOP


async def test_the_worker_consumer_waits_as_configured_for_each_fetch(tmp_path):
    settings = load_settings(fetch_max_wait_ms=80, data_dir=tmp_path)
    app = create_app(settings, NOOP)
    thread = app.consumer._new_consumer_thread()
    consumer = thread._create_worker_consumer(app.transport)
    assert consumer._fetch_max_wait_ms == 80
    await consumer.stop()


def test_the_worker_starts_in_a_fresh_directory(tmp_path):
    fresh = tmp_path / "never" / "made"
    create_app(load_settings(data_dir=fresh), NOOP)
    assert (fresh / "faust").is_dir()  # faust fails at start without it
