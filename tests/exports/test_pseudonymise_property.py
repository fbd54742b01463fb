"""Generated personal data never survives pseudonymisation: not in the stored text, not in
segments, not in any export.

Variants are generated (hypothesis): phone numbers with and without +82 / 82, brackets,
every kind of dash, spaces or none, full-width digits; resident numbers with or without
separators; e-mails with ``@``, ``＠``, ``(at)``, ``[at] ... [dot]``; given-name mentions
of listed names with honorifics and particles; Latin and spaced speaker names; a file name
and a CLOVA header author holding names. Each sits inside a Korean sentence.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from coding import users
from coding.applications import apply_code, reveal
from coding.bulk import export_codings
from coding.codebook import add_code
from coding.codebook_io import export_codebook
from coding.reconcile import decide
from coding.reconcile_log import export_log, reconciliation_log
from coding.refi.collect import collect_project
from coding.refi.export import write_qdpx
from fgi.ingest import ImportOptions, import_files
from fgi.ingest.pseudonymise import fold, mask_text
from fgi.models import Segment, Transcript
from fgi.study import create_project, list_segments
from themes.export_data import workbook_data
from themes.export_docx import write_docx
from themes.export_table import theme_table
from themes.export_text import write_csv, write_markdown
from themes.export_xlsx import write_xlsx
from themes.hierarchy import create_node, place_code
from themes.refi_hierarchy import hierarchy_folders

LISTED = ["김도현", "이민지"]
SPEAKERS = ["John Smith", "Kim Dohyun", "박 서준", "참석자 1"]
AUTHOR = "정하늘"
# What must not appear anywhere once pseudonymised (Latin case-insensitively).
NAMES = ["김도현", "이민지", "도현", "민지", "정하늘", "하늘", "서준", "john", "smith", "dohyun"]
TEMPLATES = ["제 연락처는 {}이에요.", "그때 {} 적어 주셨잖아요.", "{} 그리고 나머지는 나중에요.", "네, {}로 보내 주세요.",
             "음... {}, 맞아요.", "({}) 이렇게 적혀 있었어요."]

DASHES = ["-", " - ", "–", "—", "‐", "−", "－", "ㅡ", " – "]
SEPARATORS = [*DASHES, " ", "", ".", "\u00a0", "\u3000"]
WIDE = {str(d): chr(0xFF10 + d) for d in range(10)}


@dataclass(frozen=True)
class Variant:
    text: str  # as written in the transcript
    secret: re.Pattern[str]  # found in folded text when it survived


def _digits(n: int) -> st.SearchStrategy[str]:
    # At least three different digits, so a secret cannot be found by chance in a time or an id.
    return st.text(alphabet="0123456789", min_size=n, max_size=n).filter(lambda d: len(set(d)) >= 3)


@st.composite
def _written_digits(draw, digits: str) -> str:
    form = draw(st.sampled_from(["ascii", "wide", "mixed"]))
    if form == "ascii":
        return digits
    return "".join(WIDE.get(d, d) if form == "wide" or draw(st.booleans()) else d for d in digits)


@st.composite
def phones(draw) -> Variant:
    prefix = draw(st.sampled_from(["10", "11", "16", "17", "19", "2", "31", "51", "64", "70"]))
    head = draw(st.sampled_from(["0{}", "(0{})", "0{})", "+82 {}", "+82-{}", "82-{}", "+82 (0){}", "(+82) {}",
                                 "+82{}", "82 {}", "＋８２ {}"])).format(prefix)
    middle = draw(_digits(draw(st.sampled_from([3, 4]))))
    last = draw(_digits(4))
    first_sep, second_sep = draw(st.sampled_from(SEPARATORS)), draw(st.sampled_from(SEPARATORS))
    text = f"{draw(_written_digits(head))}{first_sep}{draw(_written_digits(middle))}{second_sep}" \
           f"{draw(_written_digits(last))}"
    return Variant(text, re.compile(rf"{middle}\D{{0,4}}{last}"))


@st.composite
def resident_numbers(draw) -> Variant:
    birth, tail = draw(_digits(6)), draw(st.sampled_from("12345678")) + draw(_digits(6))
    sep = draw(st.sampled_from([*DASHES, " ", ""]))
    return Variant(f"{draw(_written_digits(birth))}{sep}{draw(_written_digits(tail))}",
                   re.compile(rf"{birth}\D{{0,4}}{tail}"))


@st.composite
def emails(draw) -> Variant:
    local = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=7, max_size=10)) + "q"
    domain = draw(st.sampled_from(["example", "mail-box", "kakao"]))
    if draw(st.booleans()):
        return Variant(f"{local} at {domain} dot com", re.compile(local, re.IGNORECASE))
    at = draw(st.sampled_from(["@", "＠", "(at)", "[at]", " [at] ", " (at) ", "{at}", " 골뱅이 ", " @ "]))
    dot = draw(st.sampled_from([".", "[dot]", " [dot] ", "(dot)", "．"]))
    tld = draw(st.sampled_from(["com", "co.kr", "net", "or.kr"])).replace(".", dot)
    return Variant(f"{local}{at}{domain}{dot}{tld}", re.compile(local, re.IGNORECASE))


@st.composite
def name_mentions(draw) -> Variant:
    name = draw(st.sampled_from(["도현", "민지", "김도현", "이민지", "김 도현", "이 민지"]))
    suffix = draw(st.sampled_from([" 씨", " 씨가", "씨는", "님", "님이", " 선생님", "이가", "이는", "이랑", "아,", "야,",
                                   "은", "는", "한테", "도", "의", "", " 언니"]))
    if name in ("민지", "이 민지") and suffix in ("이가", "이는", "이랑", "아,", "은"):
        suffix = "가"  # 민지 ends in a vowel
    return Variant(name + suffix, re.compile("도현|민지"))


VARIANTS = st.one_of(phones(), resident_numbers(), emails(), name_mentions())
SENTENCES = st.tuples(VARIANTS, st.sampled_from(TEMPLATES))


def _ordinary(word: str) -> bool:
    return word in {"하늘"}


@settings(max_examples=2000, deadline=None)
@given(SENTENCES)
def test_no_generated_variant_survives_masking(sentence):
    variant, template = sentence
    text = template.format(variant.text)
    masked = mask_text(text, [*LISTED, AUTHOR], ordinary_word=_ordinary)
    assert not variant.secret.search(fold(masked)), (text, masked)
    tail = template.split("{}")[1]  # what follows the variant is kept exactly
    assert masked.endswith(tail)


# --- through the whole product: import, code, decide, build themes, export everything ---

_projects = itertools.count(1)


def _clova(lines: list[tuple[str, str]]) -> str:
    blocks = [f"{speaker} {index // 60:02d}:{index % 60:02d}\n{text}\n" for index, (speaker, text) in enumerate(lines)]
    return f"{LISTED[0]} {LISTED[1]} 면담\n2024.05.14 화 오후 2:03 ・ 1시간 5분\n작성자 {AUTHOR}\n\n" + "\n".join(blocks)


_LAYOUT_PART = re.compile(r"styles|theme|fontTable|settings|numbering|docProps|Content_Types|\.rels$")


def _all_text(path: Path) -> str:
    if zipfile.is_zipfile(path):
        parts = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if _LAYOUT_PART.search(name):
                    continue  # styles, themes, fonts: no user text
                data = archive.read(name)
                if name.endswith((".xml", ".rels", ".qde")):
                    root = etree.fromstring(data)
                    parts += [*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())]
                else:
                    parts.append(data.decode("utf-8", "ignore"))
        return "\n".join(parts)
    return path.read_bytes().decode("utf-8-sig")


def _export_everything(session, project, lead, out: Path) -> list[Path]:
    paths = []
    for suffix in ("csv", "xlsx"):
        export_codings(session, lead, project, out / f"codings.{suffix}")
        export_log(reconciliation_log(session, project, viewer=lead), out / f"log.{suffix}")
        paths += [out / f"codings.{suffix}", out / f"log.{suffix}"]
    for suffix in ("yaml", "csv", "xlsx", "qdc"):
        paths.append(export_codebook(session, project, out / f"codebook.{suffix}"))
    table = theme_table(session, project, viewer=lead, quotes=1000)
    paths += [write_docx(table, out / "themes.docx"), write_csv(table, out / "themes.csv"),
              write_markdown(table, out / "themes.md"),
              write_xlsx(workbook_data(session, project, viewer=lead, quotes=1000), out / "themes.xlsx")]
    data = collect_project(session, project, viewer=lead, folders=hierarchy_folders(session, project))
    paths.append(write_qdpx(data, out / "project.qdpx"))
    return paths


@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.large_base_example, HealthCheck.too_slow,
    HealthCheck.data_too_large])
@given(st.lists(st.tuples(SENTENCES, st.sampled_from(SPEAKERS)), min_size=250, max_size=250))
def test_no_generated_variant_survives_into_any_export(db, kiwi, tmp_path_factory, lines):
    """Four transcripts of 250 generated lines each (no shrinking: one run is an import)."""
    users.BCRYPT_ROUNDS = 4
    folder = tmp_path_factory.mktemp("variants")
    path = folder / f"{LISTED[0]}_{LISTED[1]}_면담.txt"
    path.write_text(_clova([(speaker, template.format(v.text)) for (v, template), speaker in lines]), encoding="utf-8")
    with db.transaction() as session:
        project = create_project(session, f"변이 {next(_projects)}", actor="setup")
        lead = users.create_user(session, f"팀장{project.id}", "비밀번호1234", role="lead", actor="setup")
        coder = users.create_user(session, f"코더{project.id}", "비밀번호1234", role="coder", actor="setup")
        for user in (lead, coder):
            users.add_member(session, project, user, actor="setup")
        [result] = import_files(session, project, [path], ImportOptions(names=LISTED), actor="setup", analyzer=kiwi)
        add_code(session, project, "연락처", actor="setup", definition="연락 방법에 관한 진술")
        add_code(session, project, "기타", actor="setup")
        segments = list_segments(session, result.transcript_id)
        for segment in segments:
            apply_code(session, coder, segment.id, "기타", memo="확인 필요")
        reveal(session, lead, result.transcript_id)
        for segment in segments:
            decide(session, lead, segment.id, "연락처", "apply", reason="연락처 언급")
        domain = create_node(session, project, "domain", "연락", actor="setup").node_id
        theme = create_node(session, project, "theme", "연락 방법", actor="setup", parent_id=domain).node_id
        sub = create_node(session, project, "subtheme", "개인 연락처", actor="setup", parent_id=theme).node_id
        place_code(session, project, "연락처", sub, actor="setup")
        place_code(session, project, "기타", sub, actor="setup")
        out = folder / "out"
        out.mkdir()
        exports = _export_everything(session, project, lead, out)
        transcript = session.get(Transcript, result.transcript_id)
        stored = list(session.query(Segment).filter(Segment.transcript_id == transcript.id).order_by(Segment.line))
        texts = {"transcript": "\n".join([transcript.name, transcript.source_name, transcript.text]),
                 "segments": "\n".join(f"{s.speaker} {s.text}" for s in stored)}
        assert len(stored) == len(lines)
        for segment in stored:
            assert transcript.text[segment.start:segment.end] == segment.text
    texts.update({p.name: _all_text(p) for p in exports})
    assert "대표 인용" in texts["themes.md"] or "개인 연락처" in texts["themes.md"]
    secrets = [v.secret for (v, _), _ in lines]
    for where, text in texts.items():
        folded = fold(text)
        lowered = folded.lower()
        for name in NAMES:
            assert name not in lowered, f"{name!r} survives in {where}"
        for secret in secrets:
            if secret.pattern != "도현|민지":
                assert not secret.search(folded), f"{secret.pattern!r} survives in {where}"
