"""The pages through streamlit.testing.v1.AppTest on a real SQLite database: they render,
their main actions change the database, and roles decide what is shown and allowed."""

from __future__ import annotations

from coding.applications import codings_for, is_revealed
from coding.codebook import list_codes
from coding.users import get_user, is_member
from fgi.study import get_project, list_projects, list_transcripts
from tests.ui.conftest import PASSWORD, add_admin, database, run_as
from ui.auth import USER_KEY
from ui.navigation import page_files

DEMO = "데모: 자활사례관리 FGI"


def _first_transcript(url):
    db = database(url)
    with db.reading() as session:
        tid = list_transcripts(session, get_project(session, DEMO))[0].id
    db.dispose()
    return tid


def _codings(url, viewer, **scope):
    db = database(url)
    with db.reading() as session:
        found = codings_for(session, get_user(session, viewer), project=get_project(session, DEMO), **scope)
    db.dispose()
    return found


# ---- login ------------------------------------------------------------------------------

def test_visitors_get_only_the_login_page_and_can_log_in(demo_url):
    app = run_as(None)
    assert app.header[0].value == "FGI 질적분석"
    assert [w.label for w in app.text_input] == ["사용자 이름", "비밀번호"]
    app.text_input[0].input("코더1")
    app.text_input[1].input(PASSWORD)
    app.button[0].click()
    app.run()
    assert not app.exception
    assert app.session_state[USER_KEY].name == "코더1"
    assert app.session_state[USER_KEY].role == "coder"
    assert app.header[0].value == "프로젝트 / 가져오기"


def test_a_wrong_password_is_refused_and_five_lock_the_name(demo_url):
    app = run_as(None)
    for _ in range(5):
        app.text_input[0].input("코더2")
        app.text_input[1].input("wrong-password")
        app.button[0].click()
        app.run()
        assert "맞지 않습니다" in app.error[0].value
    app.text_input[1].input(PASSWORD)  # the right one, but the name is locked now
    app.button[0].click()
    app.run()
    assert "초 뒤에 다시" in app.error[0].value
    assert USER_KEY not in app.session_state


def test_logout_forgets_the_user(demo_url):
    app = run_as("코더1")
    next(b for b in app.sidebar.button if b.label == "로그아웃").click()
    app.run()
    assert USER_KEY not in app.session_state
    assert [w.label for w in app.text_input] == ["사용자 이름", "비밀번호"]


def test_roles_decide_the_pages():
    from ui.auth import SessionUser

    coder = page_files(SessionUser("코더1", "coder"))
    lead = page_files(SessionUser("팀장", "lead"))
    assert "reconcile.py" not in coder and "team.py" not in coder and "themes.py" not in coder
    assert {"projects.py", "transcripts.py", "codebook.py", "coding.py"} <= set(coder)
    assert {"reconcile.py", "team.py"} <= set(lead) and set(coder) < set(lead)


# ---- projects and transcripts -------------------------------------------------------------

def test_an_admin_creates_a_project_and_becomes_its_member(demo_url):
    app = run_as(add_admin(demo_url))
    assert list(app.dataframe[0].value["프로젝트"]) == [DEMO]
    app.text_input[0].input("새 연구")
    next(b for b in app.button if b.label == "만들기").click()
    app.run()
    assert not app.exception
    db = database(demo_url)
    with db.reading() as session:
        assert {p.name for p in list_projects(session)} == {DEMO, "새 연구"}
        assert is_member(session, get_user(session, "관리자"), get_project(session, "새 연구").id)
    db.dispose()
    assert app.sidebar.selectbox[0].value == "새 연구"


def test_only_an_admin_is_offered_a_new_project(demo_url):
    for name in ("코더1", "팀장"):  # the permission table: project.create is an admin's
        app = run_as(name)
        assert "만들기" not in [b.label for b in app.button]


def test_transcript_page_shows_lines_and_saves_participants(demo_url):
    app = run_as("팀장", "transcripts")
    table = app.dataframe[0].value
    assert len(table) in (87, 56, 64)
    assert set(table.columns) >= {"줄", "화자", "가명", "발화"}
    app.toggle[0].set_value(True)
    app.run()
    assert len(app.dataframe[0].value) < len(table)
    next(b for b in app.button if b.label == "참여자 정보 저장").click()
    app.run()
    assert not app.exception
    assert app.success[0].value == "참여자 정보를 저장했습니다."


def test_transcript_page_speaks_korean_and_sets_report_labels(demo_url):
    """Roles read 진행자/참여자, a line without a time shows an empty cell, and the lead's
    choice of scheme and own label reach the stored project and the labels shown."""
    from fgi.models import Participant
    from fgi.participant_labels import labelled_participants

    app = run_as("팀장", "transcripts")
    times = app.dataframe[0].value["시간"]
    assert not any(value is None or str(value) in ("None", "nan") for value in times)
    people = app.dataframe[1].value  # the participant editor
    assert set(people["역할"]) == {"진행자", "참여자"}
    assert "보고서 표기" in people.columns  # (the id column is hidden by its column config)
    next(r for r in app.radio if r.key == "labels.scheme").set_value("transcript")
    next(b for b in app.button if b.label == "참여자 정보 저장").click()
    app.run()
    assert not app.exception
    assert app.success[0].value == "참여자 정보를 저장했습니다."
    db = database(demo_url)
    with db.reading() as session:
        project = get_project(session, DEMO)
        assert project.participant_labels == "transcript"
        labels = [p.label for p in labelled_participants(session, project) if p.role == "participant"]
        assert labels and all(label.endswith((" A", " B", " C", " D", " E", " F", " G")) for label in labels)
        assert session.query(Participant).filter(Participant.role.not_in(["moderator", "participant"])).count() == 0
    db.dispose()


def test_without_projects_a_coder_is_told_what_to_do(empty_url):
    from coding import users

    db = database(empty_url)
    with db.transaction() as session:
        users.create_user(session, "코더1", PASSWORD, role="coder", actor="test")
    db.dispose()
    app = run_as("코더1", "transcripts")
    assert "참여 중인 프로젝트가 없습니다" in app.info[0].value


# ---- codebook ---------------------------------------------------------------------------

def test_codebook_shows_the_tree_and_a_lead_adds_a_code(demo_url):
    app = run_as("팀장", "codebook")
    tree = app.dataframe[0].value
    assert len(tree) == 29 and "정의" in tree.columns
    form = app.get("tabs")  # the editor is there for leads
    assert form
    name = next(w for w in app.text_input if w.label == "코드 이름")
    name.input("새 코드")
    next(b for b in app.button if b.label == "코드 추가").click()
    app.run()
    assert not app.exception
    db = database(demo_url)
    with db.reading() as session:
        assert "새 코드" in [c.path for c in list_codes(session, get_project(session, DEMO))]
    db.dispose()


def test_a_coder_reads_the_codebook_but_cannot_edit_it(demo_url):
    app = run_as("코더1", "codebook")
    assert len(app.dataframe[0].value) == 29
    assert not app.get("tabs")
    assert "코드 추가" not in [b.label for b in app.button]
