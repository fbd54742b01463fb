"""Our ``.qdpx`` read by an independent reader (the ``pyqdpx`` package): every coder's codings,
the code tree, the coding memos and the sources arrive; positions are code points into
sources written with ``\\n`` line breaks and no BOM."""

from __future__ import annotations

import unicodedata
import zipfile
from collections import Counter

import pytest
from sqlalchemy import select

from coding import users
from coding.applications import apply_code, codings_for
from coding.codebook_io import import_codebook_file
from coding.consensus import consensus_codings
from coding.refi import collect_project, write_qdpx
from coding.refi.data import CONSENSUS_USER, LEGACY_CONSENSUS_USERS
from coding.users import get_user
from fgi.ingest import ImportOptions, import_files
from coding.models import CodeApplication
from fgi.models import Segment, Transcript
from fgi.study import create_project, get_project, list_segments
from tests.conftest import REPO
from tests.exports.conftest import CODER_A, CODER_B, LEAD, PASSWORD, PROJECT
from tests.exports.test_qdpx import export

pyqdpx = pytest.importorskip("pyqdpx", reason="pyqdpx is not installed (pip install -e '.[dev]')")

MEMO = "자신감이 분명히 드러남 🙂"


def read_with_pyqdpx(path):
    """(users, code paths by guid, {source name: text}, [(source, start, end, code path, user, memo)])."""
    project = pyqdpx.QDPX(str(path)).get_project()
    assert project is not None
    names = {guid: user.name for guid, user in project.users.items()}
    paths = {}
    for guid, code in project.codes.items():
        parts, node = [], code
        while node is not None:
            parts.append(node.name)
            node = node.parent
        paths[guid] = "/".join(reversed(parts))
    texts, selections = {}, []
    for source in project.sources.values():
        # pyqdpx counts positions as NVivo does (UTF-16 units): it adds a zero-width space after
        # every character outside the BMP; without them the text is the file's text.
        texts[source.name] = source.text_content.replace("\u200b", "")
        for selection in source.coded_selections.values():
            selections.append((source.name, selection.start, selection.end, paths[selection.code.guid],
                               selection.user.name, selection.description))
    return names, paths, texts, selections


def test_pyqdpx_reads_every_coding_code_and_source(db, study, tmp_path):
    with db.transaction() as session:
        coder = get_user(session, CODER_A)
        first = codings_for(session, coder, project=get_project(session, PROJECT), coder=coder)[0]
        apply_code(session, coder, first.segment_id, first.code_id, memo=MEMO)
    path = export(db, tmp_path / "project.qdpx")
    names, paths, texts, selections = read_with_pyqdpx(path)

    with db.reading() as session:
        project = get_project(session, PROJECT)
        lead = get_user(session, LEAD)
        transcripts = {t.id: t for t in session.scalars(select(Transcript).where(Transcript.project_id == project.id))}
        segments = {s.id: s for s in session.scalars(select(Segment).where(Segment.transcript_id.in_(transcripts)))}
        expected = Counter()
        for c in codings_for(session, lead, project=project):
            s = segments[c.segment_id]
            expected[(transcripts[s.transcript_id].name, s.start, s.end, c.code_path, c.coder)] += 1
        for c in consensus_codings(session, project, viewer=lead):
            if c.settled:
                s = segments[c.segment_id]
                expected[(transcripts[s.transcript_id].name, s.start, s.end, c.code, CONSENSUS_USER)] += 1
        stored_texts = {t.name: t.text for t in transcripts.values()}

    assert set(names.values()) == {LEAD, CODER_A, CODER_B, CONSENSUS_USER}
    assert texts == stored_texts
    # the codebook paths sit under the theme folders in the file: compare the codes' own names
    read = Counter((source, start, end, code.rsplit("/", 1)[-1], user)
                   for source, start, end, code, user, _ in selections)
    assert read == Counter({(t, s, e, code.rsplit("/", 1)[-1], user): n
                            for (t, s, e, code, user), n in expected.items()})
    assert sum(read.values()) == sum(expected.values()) > 40
    assert all(texts[source][start:end] for source, start, end, *_ in selections)
    memos = [(user, memo) for *_, user, memo in selections if memo]
    assert memos == [(CODER_A, MEMO)]
    assert "참여주민의 변화/자신감 회복" in {p.split("/", 3)[-1] for p in paths.values()} or \
        any(p.endswith("심리·정서적 변화/자신감 회복") for p in paths.values())


# A transcript as a Windows editor saves it: CRLF, a BOM, decomposed Hangul (NFD), emoji and
# a character outside the BMP before the coded lines.
WINDOWS_TEXT = "\ufeff" + "\r\n".join([
    "오늘 이야기 시작합니다 😀",
    unicodedata.normalize("NFD", "자신감이 생겼어요 𠀀 정말로"),
    "돈 걱정이 줄었어요 👍🏽",
    "마지막 줄",
]) + "\r\n"


def _one_coder_study(session, name: str, transcript, kiwi):
    """A project of the sample codebook, one lead who codes alone, and ``transcript`` imported
    as plain text; returns the coder and the transcript's lines."""
    project = create_project(session, name, actor="setup")
    import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="setup")
    coder = users.create_user(session, "혼자코더", PASSWORD, role="lead", actor="setup")
    users.add_member(session, project, coder, actor="setup")
    result = import_files(session, project, [transcript], ImportOptions(format="plain"), actor="setup",
                          analyzer=kiwi)[0]
    return project, coder, list_segments(session, result.transcript_id)


def test_positions_are_code_points_in_lf_sources(db, kiwi, tmp_path):
    transcript = tmp_path / "윈도우_전사본.txt"
    transcript.write_bytes(WINDOWS_TEXT.encode("utf-8"))
    with db.transaction() as session:
        project, coder, lines = _one_coder_study(session, "한 명의 코더", transcript, kiwi)
        for segment in lines[1:3]:
            apply_code(session, coder, segment.id, "참여주민의 변화/자신감 회복")
        data = collect_project(session, project, viewer=coder)
    path = write_qdpx(data, tmp_path / "one.qdpx")

    with zipfile.ZipFile(path) as archive:
        [name] = [n for n in archive.namelist() if n.startswith("sources/")]
        raw = archive.read(name)
        qde = archive.read("project.qde").decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw  # LF, no BOM: one code point per break
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text) and "𠀀" in text
    # one coder, no reconciliation: no consensus user, each coding once
    assert CONSENSUS_USER not in qde and not any(n in qde for n in LEGACY_CONSENSUS_USERS)
    names, _, texts, selections = read_with_pyqdpx(path)
    assert set(names.values()) == {"혼자코더"}
    assert texts == {data.sources[0].name: text}
    assert len(selections) == 2
    for (source, start, end, code, user, _), segment in zip(sorted(selections), lines[1:3]):
        assert (start, end, user) == (segment.start, segment.end, "혼자코더")
        assert text[start:end] == segment.text  # code points, not UTF-16 units
    second = lines[2]
    utf16_start = len(text[:second.start].encode("utf-16-le")) // 2
    assert utf16_start > second.start  # the test means something: UTF-16 units would land elsewhere


def test_utf16_positions_for_nvivo(sqlite_db, kiwi, tmp_path):
    """``--positions utf16`` counts as NVivo does: a reader of that convention (pyqdpx) finds
    each coded line, and our own import, which reads the selections' stated text, too."""
    from coding.refi import import_qdpx

    transcript = tmp_path / "윈도우_전사본.txt"
    transcript.write_bytes(WINDOWS_TEXT.encode("utf-8"))
    with sqlite_db.transaction() as session:
        project, coder, lines = _one_coder_study(session, "NVivo로", transcript, kiwi)
        for segment in lines[1:]:
            apply_code(session, coder, segment.id, "참여주민의 변화/자신감 회복")
        data = collect_project(session, project, viewer=coder)
    path = write_qdpx(data, tmp_path / "nvivo.qdpx", positions="utf16")
    project = pyqdpx.QDPX(str(path)).get_project()
    [source] = project.sources.values()
    found = sorted((s.start, s.text.replace("\u200b", "")) for s in source.coded_selections.values())
    assert [text for _, text in found] == [s.text for s in lines[1:]]
    assert [start for start, _ in found] != [s.start for s in lines[1:]]  # the emoji before them counts two
    with sqlite_db.transaction() as session:
        imported = import_qdpx(session, path, "다시 가져옴", actor="setup", analyzer=kiwi)
        copy = get_project(session, "다시 가져옴")
        coded = session.scalars(select(Segment.text).join(CodeApplication).join(Transcript)
                                .where(Transcript.project_id == copy.id).order_by(Segment.line)).all()
    assert imported.codings == 3 and coded == [s.text for s in lines[1:]]
