"""Ingest on real Korean text nobody here wrote (../shared/corpus)."""

from __future__ import annotations

import codecs
import json

import pytest
from sqlalchemy import select

from fgi.ingest import ImportOptions, import_files
from fgi.models import Participant, Transcript
from fgi.study import create_project, list_segments
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def quotes():
    path = shared_path("corpus", "dev_quotes.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_real_fgi_quotes_as_a_speaker_prefixed_transcript(db, kiwi, tmp_path, quotes):
    path = tmp_path / "실무자_인용문.txt"
    path.write_bytes("\r\n".join(f"{q['speaker']}: {q['text']}" for q in quotes).encode("cp949"))
    with db.transaction() as session:
        project = create_project(session, "실무자 FGI", actor="tester")
        [result] = import_files(session, project, [path], ImportOptions(group="실무자"), actor="tester", analyzer=kiwi)
    assert (result.encoding, result.segments) == ("cp949", len(quotes))
    with db.reading() as session:
        transcript = session.get(Transcript, result.transcript_id)
        rows = list_segments(session, transcript.id)
        assert [r.text for r in rows] == [q["text"].strip() for q in quotes]
        assert all(transcript.text[r.start : r.end] == r.text for r in rows)
        labels = set(session.scalars(select(Participant.label)))
        assert labels == {q["speaker"] for q in quotes}
        assert all(r.lemmas for r in rows)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_a_long_real_document_in_every_encoding_gives_the_same_segments(sqlite_db, kiwi, tmp_path, encoding, bom):
    text = shared_path("corpus", "agency_report_youth_independence.txt").read_text(encoding="utf-8")
    reference = tmp_path / "reference.txt"
    reference.write_text(text, encoding="utf-8")
    encoded = tmp_path / "encoded.txt"
    encoded.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    with sqlite_db.transaction() as session:
        a = create_project(session, "a", actor="tester")
        b = create_project(session, "b", actor="tester")
        [ra] = import_files(session, a, [reference], ImportOptions(format="plain"), actor="tester", analyzer=kiwi)
        [rb] = import_files(session, b, [encoded], ImportOptions(format="plain"), actor="tester", analyzer=kiwi)
    with sqlite_db.reading() as session:
        rows_a = [(r.text, r.start, r.end, r.lemmas) for r in list_segments(session, ra.transcript_id)]
        rows_b = [(r.text, r.start, r.end, r.lemmas) for r in list_segments(session, rb.transcript_id)]
    assert rows_a == rows_b
    assert len(rows_a) == sum(1 for line in text.splitlines() if line.strip())
