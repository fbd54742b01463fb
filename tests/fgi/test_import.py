from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fgi.errors import DuplicateImport, InputError
from fgi.ingest import ImportOptions, import_files
from fgi.models import Event, Participant, PseudonymKey, Segment, Transcript
from fgi.study import create_project, list_segments, list_transcripts
from tests.conftest import REPO

SAMPLES = REPO / "transcripts"
CLOVA = SAMPLES / "실무자_FGI_1차.txt"
PREFIXED_CP949 = SAMPLES / "주민_FGI_1차.txt"
DOCX = SAMPLES / "실무자_FGI_2차.docx"


def make_project(session, name="자활 FGI"):
    return create_project(session, name, actor="tester")


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Transcript, Segment, Participant, PseudonymKey, Event))


def test_sample_transcripts_import_with_speakers_groups_and_exact_offsets(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        import_files(session, project, [CLOVA, DOCX], ImportOptions(group="실무자"), actor="tester", analyzer=kiwi)
        import_files(session, project, [PREFIXED_CP949], ImportOptions(group="주민"), actor="tester", analyzer=kiwi)
    with db.reading() as session:
        summaries = {t.name: t for t in list_transcripts(session, session.get(type(project), project.id))}
        assert {n: (t.format, t.segments, t.speakers, t.group) for n, t in summaries.items()} == {
            "실무자_FGI_1차": ("clova", 87, 6, "실무자"),
            "실무자_FGI_2차": ("docx", 56, 6, "실무자"),
            "주민_FGI_1차": ("prefixed", 64, 6, "주민"),
        }
        assert session.scalar(select(Transcript.encoding).where(Transcript.name == "주민_FGI_1차")) == "cp949"
        for transcript in session.scalars(select(Transcript)):
            assert "\r" not in transcript.text
            for segment in transcript.segments:
                assert transcript.text[segment.start : segment.end] == segment.text
                assert segment.text == segment.text.strip() and segment.text
        roles = {(p.label, p.role) for p in session.scalars(select(Participant))}
        assert {("진행자", "moderator"), ("사회자", "moderator"), ("참석자 1", "moderator")} <= roles
        groups = {p.attributes.get("group") for p in session.scalars(select(Participant))}
        assert groups == {"실무자", "주민"}


def test_real_names_and_personal_data_never_reach_the_stored_text(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        import_files(session, project, [CLOVA, PREFIXED_CP949], ImportOptions(names=["박민수"]), actor="tester", analyzer=kiwi)
    with db.reading() as session:
        texts = " ".join(session.scalars(select(Transcript.text)))
        for secret in ("김도현", "이수진", "박민수", "010-4821-7395", "sunny.cafe83@example.com", "620418-1536274"):
            assert secret not in texts
        for mask in ("[이름]", "[전화번호]", "[이메일]", "[주민등록번호]"):
            assert mask in texts
        keys = {(k.kind, k.original): k.replacement for k in session.scalars(select(PseudonymKey))}
        assert keys[("name", "박민수")] == "[이름]"
        pseudonym = keys[("speaker", "김도현")]
        assert pseudonym.startswith("P")
        labels = set(session.scalars(select(Segment.speaker)))
        assert pseudonym in labels and "김도현" not in labels


def test_pseudonymisation_can_be_switched_off(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        import_files(session, project, [CLOVA], ImportOptions(pseudonymise=False), actor="tester", analyzer=kiwi)
    with db.reading() as session:
        assert "김도현" in session.scalar(select(Transcript.text))
        assert session.scalar(select(func.count()).select_from(PseudonymKey)) == 0


def test_backchannels_are_kept_and_flagged(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        [result] = import_files(session, project, [PREFIXED_CP949], actor="tester", analyzer=kiwi)
    with db.reading() as session:
        rows = list_segments(session, result.transcript_id)
        flagged = [r.text for r in rows if r.backchannel]
        assert len(flagged) == result.backchannels >= 6
        assert "아 네." in flagged
        assert all(r.lemmas for r in rows if not r.backchannel and len(r.text) > 10)


def test_the_same_file_twice_is_refused_and_nothing_changes(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        import_files(session, project, [CLOVA], actor="tester", analyzer=kiwi)
    with db.reading() as session:
        before = counts(session)
    with pytest.raises(DuplicateImport, match="already in project"):
        with db.transaction() as session:
            project = session.merge(project)
            import_files(session, project, [CLOVA], actor="tester", analyzer=kiwi)
    with db.reading() as session:
        assert counts(session) == before


def test_replace_keeps_segment_ids(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        [first] = import_files(session, project, [CLOVA], actor="tester", analyzer=kiwi)
    with db.reading() as session:
        ids_before = [r.id for r in list_segments(session, first.transcript_id)]
        pseudonyms_before = set(session.scalars(select(Participant.pseudonym)))
    with db.transaction() as session:
        project = session.merge(project)
        [again] = import_files(session, project, [CLOVA], ImportOptions(replace=True, group="실무자"),
                               actor="tester", analyzer=kiwi)
    assert again.replaced and again.transcript_id == first.transcript_id
    with db.reading() as session:
        assert [r.id for r in list_segments(session, first.transcript_id)] == ids_before
        assert set(session.scalars(select(Participant.pseudonym))) == pseudonyms_before
        assert session.scalar(select(Transcript.group)) == "실무자"
        kinds = session.scalars(select(Event.kind).order_by(Event.id)).all()
        assert kinds == ["project.create", "transcript.import", "transcript.replace"]


def test_ids_are_stable_across_databases(tmp_path, kiwi):
    from fgi.storage import open_database

    ids = []
    for run in range(2):
        database = open_database(f"sqlite:///{tmp_path / f'run{run}.db'}")
        with database.transaction() as session:
            project = make_project(session)
            [result] = import_files(session, project, [DOCX], actor="tester", analyzer=kiwi)
        with database.reading() as session:
            ids.append([r.id for r in list_segments(session, result.transcript_id)])
        database.dispose()
    assert ids[0] == ids[1]
    assert ids[0][0].endswith("-0001")


def test_a_bad_file_among_good_ones_imports_nothing(db, kiwi, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("첫 줄\n".encode() + b"\xff\xfe\xfa\n")
    with db.transaction() as session:
        project = make_project(session)
    with db.reading() as session:
        before = counts(session)
    with pytest.raises(InputError, match="bad.txt, line 2"):
        with db.transaction() as session:
            import_files(session, session.merge(project), [CLOVA, bad], actor="tester", analyzer=kiwi)
    with db.reading() as session:
        assert counts(session) == before


def test_sentence_units(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        [lines] = import_files(session, project, [DOCX], actor="tester", analyzer=kiwi)
        other = make_project(session, "문장 단위")
        [sentences] = import_files(session, other, [DOCX], ImportOptions(unit="sentence"), actor="tester", analyzer=kiwi)
    assert sentences.segments > lines.segments
    with db.reading() as session:
        transcript = session.get(Transcript, sentences.transcript_id)
        assert transcript.unit == "sentence"
        rows = list_segments(session, transcript.id)
        assert all(transcript.text[r.start : r.end] == r.text for r in rows)
        assert [r.line for r in rows] == list(range(1, len(rows) + 1))


def test_moderator_can_be_named(db, kiwi, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("A: 안녕하세요\nB: 반갑습니다\nA: 시작할게요\n", encoding="utf-8")
    with db.transaction() as session:
        project = make_project(session)
        [result] = import_files(session, project, [path], ImportOptions(moderators=["A"]), actor="tester", analyzer=kiwi)
    assert result.speakers == ["M01", "P01"]


class _Renamed:
    """Kiwi under another backend's name (the record, not the analysis, is under test)."""

    def __init__(self, analyzer, name):
        self._analyzer, self.name = analyzer, name

    def analyze(self, text):
        return self._analyzer.analyze(text)

    def analyze_many(self, texts):
        return self._analyzer.analyze_many(texts)

    def split_sentences(self, text):
        return self._analyzer.split_sentences(text)


def test_each_transcript_records_the_backend_that_analysed_its_lines(db, kiwi):
    with db.transaction() as session:
        project = make_project(session)
        [clova] = import_files(session, project, [CLOVA], actor="tester", analyzer=kiwi)
        [docx] = import_files(session, project, [DOCX], actor="tester", analyzer=_Renamed(kiwi, "okt"))
    with db.reading() as session:
        meta = session.get(Transcript, clova.transcript_id).meta
        assert meta["morphology"] == "kiwi" and meta["title"]  # the file's header is kept beside it
        assert session.get(Transcript, docx.transcript_id).meta["morphology"] == "okt"
        assert all(s.lemmas for s in list_segments(session, docx.transcript_id) if not s.backchannel)
    with db.transaction() as session:  # a replaced transcript records its new analysis
        import_files(session, session.merge(project), [DOCX], ImportOptions(replace=True), actor="tester",
                     analyzer=kiwi)
    with db.reading() as session:
        assert session.get(Transcript, docx.transcript_id).meta["morphology"] == "kiwi"
