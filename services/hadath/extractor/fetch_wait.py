"""faust's aiokafka transport with the consumer's fetch wait taken from the settings.

faust-streaming builds its consumers with `fetch_max_wait_ms=1500`, a constant
(robinhood/faust#281 asked to make it configurable). Apache Kafka answers a
fetch as soon as records arrive, so the constant costs nothing there; tansu,
the embedded broker, holds every fetch for the full wait, which added about a
second to each article's latency. Only that one number changes.
"""

from __future__ import annotations

import faust
from faust.transport.drivers import aiokafka as driver


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport):
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads it when the consumer starts its fetcher, which happens after this.
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(driver.Transport):
    Consumer = _Consumer


class App(faust.App):
    """A faust.App whose consumers wait at most `fetch_max_wait_ms` for each fetch."""

    def __init__(self, *args, fetch_max_wait_ms: int, **kwargs):
        self.fetch_max_wait_ms = fetch_max_wait_ms
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> _Transport:
        return _Transport(self.conf.broker_consumer, self)
