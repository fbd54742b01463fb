"""The coding, agreement, reconciliation, team, theme and export pages through AppTest."""

from __future__ import annotations

import re

import pytest

from coding.applications import codings_for, is_revealed
from coding.models import ConsensusDecision  # noqa: F401 - the table must exist
from coding.users import get_user, is_member
from fgi.demo import DEMO_PROJECT as DEMO
from fgi.study import get_project, list_transcripts
from tests.ui.conftest import add_admin, database, read_demo, run_as



def _codings(url, viewer, **scope):
    return read_demo(url, lambda s, p: codings_for(s, get_user(s, viewer), project=p, **scope))


def _labels(app):
    return [b.label for b in app.button]


def _document(app) -> dict:
    """The data the coding page's document view was drawn from (lines, codes, chips)."""
    import json

    element = next(e for e in app.get("bidi_component") if e.proto.component_name == "fgi_transcript_document")
    return json.loads(element.proto.json or element.proto.mixed.json)


# ---- coding -----------------------------------------------------------------------------

def test_a_coder_codes_the_current_line_and_sees_progress(demo_url):
    app = run_as("코더1", "coding")
    before = len(_codings(demo_url, "코더1", coder=None))
    codes = app.multiselect[0]
    assert codes.label == "이 줄의 코드 (입력해서 찾기)"
    progress = app.get("progress")[0].proto.text
    assert progress.startswith("코딩한 줄 6 / ")
    codes.set_value(["참여주민의 변화/자신감 회복"])
    app.run()
    assert not app.exception
    mine = _codings(demo_url, "코더1")
    assert len(mine) == before + 1
    assert "참여주민의 변화/자신감 회복" in [c.code_path for c in mine]
    assert any("저장된 코드: 참여주민의 변화/자신감 회복" in t.value for t in app.text)
    assert app.get("progress")[0].proto.text.startswith("코딩한 줄 7 / ")
    # the code is now a recent code; removing it from the multiselect removes the coding
    app.multiselect[0].set_value([])
    app.run()
    assert len(_codings(demo_url, "코더1")) == before


def test_a_button_drawn_for_the_line_before_codes_nothing(demo_url):
    """A recent-code button of the previous render, clicked while the panel already shows
    another line, would put the code on a line the coder no longer sees: it is refused."""
    app = run_as("코더1", "coding")
    app.multiselect[0].set_value(["참여주민의 변화/자신감 회복"])
    app.run()
    next(b for b in app.button if b.label == "다음 줄").click()
    app.run()
    recent = next(b for b in app.button if b.key and b.key.startswith("coding.recent."))
    before = len(_codings(demo_url, "코더1"))
    app.session_state["coding.current_segment"] = "another line drawn meanwhile"
    recent.click()
    app.run()
    assert len(_codings(demo_url, "코더1")) == before
    assert any("코드를 저장하지 않았습니다" in e.value for e in app.error)
    # drawn for the line shown, the same button codes it
    next(b for b in app.button if b.key and b.key.startswith("coding.recent.")).click()
    app.run()
    assert len(_codings(demo_url, "코더1")) == before + 1


def test_next_uncoded_line_moves_past_coded_ones(demo_url):
    app = run_as("코더1", "coding")
    first = next(t.value for t in app.caption if re.match(r"\d+줄 · ", t.value))
    next(b for b in app.button if b.label == "다음 미코딩 줄").click()
    app.run()
    second = next(t.value for t in app.caption if re.match(r"\d+줄 · ", t.value))
    assert first != second
    assert int(second.split("줄")[0]) > int(first.split("줄")[0])


def test_keyword_suggestions_are_accepted_with_one_click(demo_url):
    app = run_as("코더2", "coding")
    # walk to a line with a keyword suggestion
    for _ in range(40):
        if any(t.value.startswith("키워드 제안:") for t in app.text):
            break
        next(b for b in app.button if b.label == "다음 줄").click()
        app.run()
    suggestion = next(t.value for t in app.text if t.value.startswith("키워드 제안:"))
    path = suggestion.removeprefix("키워드 제안: ").rsplit(" (", 1)[0]
    accept = next(b for b in app.button if b.key and b.key.startswith("coding.kw.accept."))
    before = _codings(demo_url, "코더2")
    accept.click()
    app.run()
    after = _codings(demo_url, "코더2")
    assert len(after) == len(before) + 1
    new = next(c for c in after if c not in before)
    assert new.code_path == path and new.source == "keyword"


def test_blind_mode_hides_other_coders_until_the_lead_reveals(demo_url):
    coder = run_as("코더2", "coding")
    assert "블라인드 코딩 중입니다: 팀장이 공개하기 전까지는 내 코딩만 보입니다." in [i.value for i in coder.info]
    assert "이 전사본의 코딩 공개…" not in _labels(coder)  # a coder cannot reveal
    assert _document(coder)["others"] == {}  # nothing of another coder's shows
    lead = run_as("팀장", "coding")
    assert _document(lead)["others"]  # leads see everyone's codes, as chips with initials
    next(b for b in lead.button if b.label == "이 전사본의 코딩 공개…").click()
    lead.run()
    tid = read_demo(demo_url, lambda s, p: list_transcripts(s, p)[0].id)
    assert not read_demo(demo_url, lambda s, p: is_revealed(s, tid))  # a confirmation first
    next(b for b in lead.button if b.label == "공개합니다").click()
    lead.run()
    assert read_demo(demo_url, lambda s, p: is_revealed(s, tid))
    coder = run_as("코더2", "coding")
    assert {who for chips in _document(coder)["others"].values() for _, who in chips} == {"코1"}
    assert {c.coder for c in _codings(demo_url, "코더2")} == {"코더1", "코더2"}


# ---- agreement and reconciliation ----------------------------------------------------------

def test_agreement_page_for_a_lead(demo_url):
    app = run_as("팀장", "agreement")
    assert [m.label for m in app.metric][:2] == ["Krippendorff α (전체)", "판정"]
    codes = app.dataframe[0].value
    assert {"코드", "α", "판정", "일치율"} <= set(codes.columns)
    pairs = app.dataframe[1].value
    assert list(pairs["코더 쌍"]) == ["코더1 – 코더2"]
    scope = next(b for b in app.selectbox if b.label == "범위")
    scope.set_value(scope.options[1])  # one transcript
    app.run()
    assert not app.exception


def test_agreement_is_closed_to_coders_while_blind(demo_url):
    app = run_as("코더1", "agreement")
    assert any("팀장만 볼 수 있습니다" in i.value for i in app.info)
    assert not app.metric


def test_a_coder_cannot_open_reconciliation(demo_url):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_as("코더1", "reconcile")  # not in a coder's navigation
    # and the page itself refuses a coder, should it be reached some other way
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO
    from ui.auth import USER_KEY, SessionUser
    from ui.context import PROJECT_KEY

    page = AppTest.from_file(str(REPO / "ui" / "pages" / "reconcile.py"), default_timeout=60)
    page.session_state[USER_KEY] = SessionUser("코더1", "coder")
    page.session_state[PROJECT_KEY] = DEMO
    page.run()
    assert "팀장과 관리자만" in page.error[0].value
    assert not page.metric


# ---- team ---------------------------------------------------------------------------------

def test_an_admin_adds_a_coder_to_the_project(demo_url):
    app = run_as(add_admin(demo_url), "team")
    assert set(app.dataframe[0].value["사용자"]) == {"팀장", "코더1", "코더2", "관리자"}
    next(w for w in app.text_input if w.label == "사용자 이름").input("코더3")
    next(w for w in app.text_input if w.label == "비밀번호").input("password123")
    next(b for b in app.button if b.label == "사용자 만들기").click()
    app.run()
    assert not app.exception
    assert read_demo(demo_url, lambda s, p: is_member(s, get_user(s, "코더3"), p.id))


def test_a_lead_manages_membership_but_is_not_offered_new_users(demo_url):
    """The permission table: only admins add users; a lead adds and removes members."""
    app = run_as("팀장", "team")
    assert "사용자 만들기" not in [b.label for b in app.button]
    assert any("관리자만" in i.value for i in app.info)
    app.selectbox(key="team.leave.0.user").set_value("코더2")
    next(b for b in app.button if b.label == "구성원에서 빼기").click()
    app.run()
    assert not app.exception and not app.error
    assert not read_demo(demo_url, lambda s, p: is_member(s, get_user(s, "코더2"), p.id))
    app.selectbox(key="team.membership.0.user").set_value("코더2")
    next(b for b in app.button if b.label == "구성원으로 추가").click()
    app.run()
    assert not app.exception and not app.error
    assert read_demo(demo_url, lambda s, p: is_member(s, get_user(s, "코더2"), p.id))


# ---- export -------------------------------------------------------------------------------

def test_export_page_offers_files_by_role(demo_url):
    lead = run_as("팀장", "export")
    coder = run_as("코더1", "export")
    lead_keys = {b.proto.id for b in lead.get("download_button")} if lead.get("download_button") else set()
    assert not lead.exception and not coder.exception
    assert any("팀장이 내보냅니다" in i.value for i in coder.info)
    assert not any("팀장이 내보냅니다" in i.value for i in lead.info)
    del lead_keys


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx", "qdc"])
def test_codebook_bytes_for_download(demo_url, fmt):
    from coding.codebook_io import export_codebook
    from ui.components.files import written_bytes

    data = read_demo(demo_url, lambda s, p: written_bytes(lambda path: export_codebook(s, p, path, fmt), f"c.{fmt}"))
    assert len(data) > 500


def test_every_export_makes_a_file_for_a_lead(demo_url):
    """What each button of the 내보내기 page hands to the browser, made the way the page makes it."""
    import zipfile
    from io import BytesIO

    from themes.accept import accept_candidate
    from themes.proposals import ProposalSettings, propose
    from themes.runs import get_run
    from ui.components.files import written_bytes

    db = database(demo_url)
    with db.transaction() as session:
        project = get_project(session, DEMO)
        lead = get_user(session, "팀장")
        run = get_run(session, project, propose(session, project, ProposalSettings(k=2), viewer=lead), viewer=lead)
        accept_candidate(session, project, run.candidates[0].id, actor="팀장")
    db.dispose()
    app = run_as("팀장", "export")
    assert not app.exception
    from ui.components.exports import ROWS

    writers = {name: write for row in ROWS for name, write in row.files.items()}
    assert len(writers) == 17
    files = {}
    for name, write in writers.items():
        files[name] = read_demo(demo_url, lambda s, p, write=write, name=name: written_bytes(
            lambda path: write(s, p, get_user(s, "팀장"), path), name))
    assert "하위주제" in zipfile.ZipFile(BytesIO(files["themes.docx"])).read("word/document.xml").decode()
    assert "project.qde" in zipfile.ZipFile(BytesIO(files["project.qdpx"])).namelist()
    assert files["themes.md"].decode("utf-8").count("|") > 4
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"} <= set(
        zipfile.ZipFile(BytesIO(files["rounds.xlsx"])).namelist())  # codings, agreement, changes
    assert all(len(data) > 100 for name, data in files.items() if name not in ("reconciliation.csv", "memos.csv"))
    assert files["memos.csv"].decode("utf-8-sig").startswith('"번호","종류","대상",')  # no memos in the demo yet
