"""Benchmarks: `python -m bench [--articles N]` from the repository root.

Figures for each stage alone (parsing+validation, then each stage of the
extraction pipeline, then sink writes to SQLite and PostgreSQL), then the whole pipeline on the embedded
broker (full extraction, the same with a no-op extractor, and latency at a
steady rate). Writes bench/results/<time>.json and bench/RESULTS.md; the last
printed line is a JSON summary.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson

from hadath.config import SEEDS, load_settings
from hadath.ingest.producer import publish_records
from hadath.ingest.readers import SourceRecord, read_paths
from hadath.nlp.ner import inference_hardware
from hadath.pipeline.document import Document
from hadath.pipeline.run import load_pipeline
from hadath.pipeline.stages import Tag
from hadath.sink.store import open_store
from hadath.text import split_words
from hadath.tools.local import collect, local_stack, wait_until_consumed
from hadath.validation import validate_article

BENCH_DIR = Path(__file__).parent
POSTGRES_URL = os.environ.get("HADATH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def corpus(n: int, seed: int = 7) -> list[SourceRecord]:
    """n articles varied from the seeds: paragraphs shuffled after the lead, new ids."""
    base = list(read_paths([SEEDS]))
    rng = random.Random(seed)
    out = []
    for i in range(n):
        fields = dict(base[i % len(base)].fields)
        paragraphs = [p for p in fields["body"].split("\n") if p.strip()]
        lead, rest = paragraphs[:1], paragraphs[1:]
        rng.shuffle(rest)
        out.append(SourceRecord({**fields, "id": f"bench-{i:05d}", "body": "\n".join(lead + rest)}, f"bench {i}"))
    return out


def corpus_file(path: Path, n: int, skip: int = 0) -> list[SourceRecord]:
    """n articles from a JSONL(.gz) corpus such as SaudiNewsNet, after the first `skip`."""
    out = []
    for record in itertools.islice(read_paths([path]), skip, skip + n):
        fields = dict(record.fields)
        if "published" in fields and "published_at" not in fields:  # SaudiNewsNet's name for it
            fields["published_at"] = fields.pop("published")
        out.append(SourceRecord(fields, record.origin))
    return out


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def stage_figures(records: list[SourceRecord]) -> dict:
    """Each pipeline stage timed alone, as the worker runs them under load: on batches of up to
    `batch_size` articles."""
    raws = [orjson.dumps(r.fields) for r in records]
    articles, parse_s = timed(lambda: [validate_article(raw) for raw in raws])
    settings = load_settings()
    pipeline = load_pipeline(settings)
    tagger = pipeline.stages[1].tagger
    docs = [Document(a) for a in articles]
    batches = [docs[i:i + settings.batch_size] for i in range(0, len(docs), settings.batch_size)]
    n = len(records)
    stages = {}
    for stage in pipeline.stages:
        seconds = sum(timed(stage, batch)[1] for batch in batches)
        stages[stage.name] = {"seconds": round(seconds, 3), "ms_per_article": round(1000 * seconds / n, 2),
                              "articles_per_s": round(n / seconds, 1) if seconds else None}
    # One article per model call: what a worker does when articles come one at a time.
    _, alone_s = timed(Tag(tagger, batch_across_articles=False), docs)
    words_all = sum(len(split_words(a.body)) for a in articles)
    words_tagged = sum(len(s.words) for d in docs for s in d.sentences)
    pieces = sum(len(tagger.tokenizer.encode(d.article.body[s.start:s.end]).ids) - 2 for d in docs for s in d.sentences)
    ner_s = stages["ner"]["seconds"]
    stages["ner"].update(words_per_s=round(words_tagged / ner_s, 1), subword_tokens_per_s=round(pieces / ner_s, 1))
    stages["triggers"]["candidates"] = sum(len(d.candidates) for d in docs)
    events = [e for d in docs for e in d.events]
    stages["rules"]["events"] = len(events)
    sink = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, url in (("sqlite", f"sqlite:///{tmp}/bench.db"), ("postgres", POSTGRES_URL)):
            try:
                store = open_store(url)
            except Exception as exc:  # noqa: BLE001 - report a missing database, keep benchmarking
                sink[name] = {"error": str(exc)}
                continue
            _, write_s = timed(lambda s: [s.upsert(events[i:i + 100]) for i in range(0, len(events), 100)], store)
            store.close()
            sink[name] = {"events": len(events), "seconds": round(write_s, 3),
                          "events_per_s": round(len(events) / write_s, 1) if write_s else None}
    return {
        "articles": n,
        "words_per_article": round(words_all / n),
        "words_total": words_all, "words_tagged": words_tagged,
        "parse_validate": {"seconds": round(parse_s, 3), "ms_per_article": round(1000 * parse_s / n, 2),
                           "articles_per_s": round(n / parse_s, 1)},
        "stages": stages,
        "ner_one_article_per_call": {"seconds": round(alone_s, 2), "subword_tokens_per_s": round(pieces / alone_s, 1)},
        "sink_writes": sink,
    }


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 3)


async def _pipeline_run(records: list[SourceRecord], extractor: str, rate: float | None, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp, local_stack(Path(tmp), extractor=extractor) as stack:
        stack.start_worker()
        stack.start_sink()
        # Warm-up: one article through the whole pipeline so model loading and group joins are not timed.
        warm = SourceRecord({**records[0].fields, "id": "warm-up"}, "warm-up")
        report = await publish_records(stack.settings, [warm])
        await collect(stack, 1, report.last_offsets, timeout)
        sent_at: dict[str, float] = {}

        def stamp(record_iter):
            for r in record_iter:
                sent_at[r.fields["id"]] = time.time()
                yield r

        started = time.time()
        report = await publish_records(stack.settings, stamp(records), rate=rate)
        await wait_until_consumed(stack, report.last_offsets, timeout)
        consumed_at = time.time()
        result = await collect(stack, report.published, report.last_offsets, timeout)
        rss = {"worker": peak_rss_mb(stack.worker.pid), "sink": peak_rss_mb(stack.sink.pid)}
        store = open_store(stack.settings.database_url)
        stored = {a: datetime.fromisoformat(t).timestamp() for a, t in store.stored_at_by_article().items()}
        store.close()
    # Done = every article consumed and every event stored; the idle waits `collect` needs to be
    # sure nothing more comes are not part of the run. Offsets are seen committed up to faust's
    # commit interval (2.8 s) late, so short runs understate throughput.
    elapsed = max([consumed_at, *(stored[a] for a in stored if a in sent_at)]) - started
    latencies = [stored[a] - sent_at[a] for a in stored if a in sent_at]
    return {
        "extractor": extractor, "articles": len(records), "rate": rate, "seconds": round(elapsed, 2),
        "articles_per_s": round(len(records) / elapsed, 2), "events": len(result.events),
        "dead_letters": len(result.dead_letters),
        "latency_s": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                      "p99": percentile(latencies, 99), "articles_measured": len(latencies)},
        "peak_rss_mb": rss,
    }


def markdown(results: dict) -> str:
    s, full, noop, steady = results["stages"], results["pipeline"], results["noop"], results["steady"]
    lines = [
        f"# Benchmark ({results['when']}, {results['machine']})", "",
        f"{s['articles']} articles ({results['corpus']}, {s['words_per_article']} words each on average; "
        f"{s['words_tagged']} of {s['words_total']} words in sentences that can hold an event); "
        f"`{results['command']}`.", "",
        "Each stage alone, on batches of up to `batch_size` articles (as the worker runs them under load):", "",
        "| stage | time (s) | per article (ms) | throughput |", "|---|---|---|---|",
        f"| parse + validate | {s['parse_validate']['seconds']} | {s['parse_validate']['ms_per_article']} | "
        f"{s['parse_validate']['articles_per_s']} articles/s |",
    ]
    for name, f in s["stages"].items():
        extra = {"ner": lambda: f"{f['words_per_s']} words/s, {f['subword_tokens_per_s']} tokens/s",
                 "triggers": lambda: f"{f['candidates']} candidates",
                 "rules": lambda: f"{f['events']} events"}.get(name, lambda: "")()
        lines.append(f"| {name} | {f['seconds']} | {f['ms_per_article']} | {f['articles_per_s']} articles/s"
                     f"{'; ' + extra if extra else ''} |")
    lines.append(f"| ner, one article per model call (a worker at low load) | {s['ner_one_article_per_call']['seconds']} "
                 f"| | {s['ner_one_article_per_call']['subword_tokens_per_s']} tokens/s |")
    for name, f in s["sink_writes"].items():
        lines.append(f"| sink writes, {name} | {f.get('seconds', '-')} | | {f.get('events_per_s', f.get('error'))} events/s |")
    lines += ["", "| pipeline | articles/s | p50 / p95 / p99 latency (s) | peak RSS worker / sink (MB) |",
              "|---|---|---|---|"]
    for name, r in (("full, as fast as possible", full), ("no-op extractor", noop), (f"full, steady {steady['rate']}/s", steady)):
        lat = r["latency_s"]
        lines.append(f"| {name} | {r['articles_per_s']} | {lat['p50']} / {lat['p95']} / {lat['p99']} | "
                     f"{r['peak_rss_mb']['worker']} / {r['peak_rss_mb']['sink']} |")
    lines += ["", f"Full / no-op throughput ratio: {results['full_over_noop']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--steady-rate", type=float, default=5.0, help="articles/s for the latency run")
    parser.add_argument("--steady-articles", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--corpus", type=Path, help="JSONL(.gz) articles to use instead of seed variants")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="writes OUT/results/*.json and OUT/RESULTS.md")
    args = parser.parse_args()
    if args.corpus and not args.corpus.is_file():
        parser.error(f"no such corpus file: {args.corpus}")

    records = corpus_file(args.corpus, args.articles) if args.corpus else corpus(args.articles)
    print(f"stages on {len(records)} articles…", flush=True)
    stages = stage_figures(records)
    print(orjson.dumps(stages).decode(), flush=True)
    print("pipeline, full extraction…", flush=True)
    full = asyncio.run(_pipeline_run(records, "full", None, args.timeout))
    print(orjson.dumps(full).decode(), flush=True)
    print("pipeline, no-op extractor…", flush=True)
    noop = asyncio.run(_pipeline_run(records, "noop", None, args.timeout))
    print(orjson.dumps(noop).decode(), flush=True)
    steady_n = min(args.steady_articles, args.articles)
    steady_records = (corpus_file(args.corpus, steady_n, skip=args.articles) if args.corpus
                      else corpus(steady_n, seed=11))
    print(f"pipeline, steady {args.steady_rate} articles/s…", flush=True)
    steady = asyncio.run(_pipeline_run(steady_records, "full", args.steady_rate, args.timeout))
    print(orjson.dumps(steady).decode(), flush=True)

    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": str(args.corpus) if args.corpus else "varied from the seeds",
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPUs, {inference_hardware()}",
        "stages": stages, "pipeline": full, "noop": noop, "steady": steady,
        "full_over_noop": round(full["articles_per_s"] / noop["articles_per_s"], 3) if noop["articles_per_s"] else None,
        "bench_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    (args.out / "results").mkdir(parents=True, exist_ok=True)
    (args.out / "results" / f"{results['when'].replace(':', '')}.json").write_bytes(
        orjson.dumps(results, option=orjson.OPT_INDENT_2))
    (args.out / "RESULTS.md").write_text(markdown(results))
    print(markdown(results))
    print(orjson.dumps({
        "articles_per_s": full["articles_per_s"], "p95_latency_s": steady["latency_s"]["p95"],
        "peak_rss_mb": max(v for v in full["peak_rss_mb"].values() if v is not None),
        "noop_articles_per_s": noop["articles_per_s"], "full_over_noop": results["full_over_noop"],
        "ner_words_per_s": stages["stages"]["ner"]["words_per_s"],
        "ner_tokens_per_s": stages["stages"]["ner"]["subword_tokens_per_s"],
        "ner_tokens_per_s_one_article_per_call": stages["ner_one_article_per_call"]["subword_tokens_per_s"],
    }).decode())


if __name__ == "__main__":
    main()
