import gzip
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from hadath.ingest.readers import expand_paths, parse_seed_text, read_file, read_paths, read_stream
from tests.conftest import SEEDS


def test_seed_with_date_prefix_gets_publication_date_and_stem_id():
    (record,) = read_file(SEEDS / "000_c7edad55a9317ed0.txt")
    assert record.fields["id"] == "000_c7edad55a9317ed0"
    assert record.fields["published_at"] == "2026-01-25T00:00:00+00:00"
    assert record.fields["body"].startswith("قال المبعوث الأمريكي")


def test_seed_with_published_line_and_scrape_time():
    (record,) = read_file(SEEDS / "002_989eea801e3711f0.txt")
    assert record.fields["published_at"].startswith("2024-03-20")
    assert record.fields["fetched_at"] == "2025-12-05T01:30:30+00:00"
    assert record.fields["title"] == "غالانت يزور واشنطن لبحث اجتياح رفح وقضايا أمنية"


def test_seed_without_date_uses_the_fallback():
    fallback = datetime(2025, 12, 23, tzinfo=timezone.utc)
    fields = parse_seed_text("عنوان الخبر هنا\n\nنص الخبر.", "x", published=fallback)
    assert fields["published_at"] == fallback.isoformat()
    assert fields["title"] == "عنوان الخبر هنا"


def test_folder_expands_to_the_five_seeds_in_order():
    assert [p.name[:3] for p in expand_paths([SEEDS])] == ["000", "001", "002", "003", "004"]


def test_json_list_jsonl_and_gzipped_jsonl(tmp_path: Path):
    (tmp_path / "a.json").write_bytes(orjson.dumps([{"id": "1"}, {"id": "2"}]))
    (tmp_path / "b.jsonl").write_text('{"id": "3"}\n\n{"id": "4"}\n')
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"id": "5"}\n{"id": "6"}\n'))
    (tmp_path / "notes.md").write_text("not an article file")
    records = list(read_paths([tmp_path]))
    assert [r.fields["id"] for r in records] == ["1", "2", "3", "4", "5", "6"]
    assert records[-1].origin.endswith("c.jsonl.gz:2")


def test_stdin_jsonl(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a"}\n{"id": "b"}\n')
    with path.open() as f:
        assert [r.origin for r in read_stream(f)] == ["<stdin>:1", "<stdin>:2"]


def test_a_line_that_is_not_json_is_named_in_the_error(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "1"}\nnot json\n')
    with pytest.raises(ValueError, match=r"a.jsonl:2: not a JSON line"):
        list(read_file(path))


def test_a_broken_gzip_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "1"}\n')[:-6])
    with pytest.raises(ValueError, match="broken.jsonl.gz: not a readable gzip file"):
        list(read_file(path))
    path.write_bytes(b"plain text")
    with pytest.raises(ValueError, match="not a readable gzip file"):
        list(read_file(path))


def test_missing_path_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        expand_paths([tmp_path / "nope"])
