"""Report labels: per project (실무자19), per group (실무자1..n), per transcript (실무자 A, B),
the transcript's own labels, and a researcher's own label; every export cites them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coding.study_changes import set_label_scheme, set_report_labels
from fgi.errors import FgiError
from fgi.ingest import ImportOptions, import_files
from fgi.models import Event, Participant
from fgi.participant_labels import labelled_participants, letters, report_labels
from fgi.study import create_project

FIRST = ("진행자: 어떠셨어요?\n참여자1: 처음에는 서류가 너무 많아서 정말 힘들었어요.\n"
         "참여자2: 저는 사람들을 만나는 일이 생각보다 훨씬 좋았어요.\n참여자3: 저도 일하는 습관이 조금씩 생기는 것 같아요.\n")
SECOND = ("진행자: 다음 질문입니다.\n참여자1: 서류가 많아서 상담할 시간이 늘 부족해요.\n"
          "참여자2: 시간이 부족해서 주민분들을 자주 못 만나요.\n")


@pytest.fixture
def project(db, kiwi, tmp_path):
    (tmp_path / "실무자_1차.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "실무자_2차.txt").write_text(SECOND, encoding="utf-8")
    (tmp_path / "주민_1차.txt").write_text(SECOND.replace("서류", "교육"), encoding="utf-8")
    with db.transaction() as session:
        project = create_project(session, "표기", actor="tester")
        import_files(session, project, [tmp_path / "실무자_1차.txt"], ImportOptions(group="실무자"), actor="tester", analyzer=kiwi)
        import_files(session, project, [tmp_path / "실무자_2차.txt"], ImportOptions(group="실무자"), actor="tester", analyzer=kiwi)
        import_files(session, project, [tmp_path / "주민_1차.txt"], ImportOptions(group="주민"), actor="tester", analyzer=kiwi)
        return project.id


def labels(db, project_id):
    with db.reading() as session:
        from fgi.models import Project
        return [(p.pseudonym, p.label) for p in labelled_participants(session, session.get(Project, project_id))
                if p.role != "moderator"]


def test_letters():
    assert [letters(n) for n in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def scheme(db, project_id, name):
    with db.transaction() as session:
        from fgi.models import Project
        set_label_scheme(session, session.get(Project, project_id), name, actor="tester")


def test_the_default_numbers_by_the_project_wide_pseudonym(db, project):
    assert [label for _, label in labels(db, project)] == ["실무자1", "실무자2", "실무자3", "실무자4", "실무자5", "주민6", "주민7"]


def test_numbered_per_group_in_import_and_speaking_order(db, project):
    scheme(db, project, "group")
    assert [label for _, label in labels(db, project)] == ["실무자1", "실무자2", "실무자3", "실무자4", "실무자5", "주민1", "주민2"]


def test_lettered_per_transcript(db, project):
    scheme(db, project, "transcript")
    assert [label for _, label in labels(db, project)] == ["실무자 A", "실무자 B", "실무자 C", "실무자 A", "실무자 B", "주민 A", "주민 B"]


def test_the_transcripts_own_labels_when_they_are_not_names(db, project):
    scheme(db, project, "original")
    assert [label for _, label in labels(db, project)] == ["참여자1", "참여자2", "참여자3", "참여자1", "참여자2", "참여자1", "참여자2"]


def test_a_researchers_own_label_wins_and_is_an_event(db, project):
    scheme(db, project, "transcript")
    with db.transaction() as session:
        from fgi.models import Project
        target = session.get(Project, project)
        first = session.scalars(select(Participant).where(Participant.project_id == project,
                                                          Participant.role == "participant")
                                .order_by(Participant.pseudonym)).first()
        assert set_report_labels(session, target, {first.id: "  팀장   A "}, actor="tester") == 1
    assert labels(db, project)[0][1] == "팀장 A"
    with db.reading() as session:
        event = session.scalars(select(Event).where(Event.kind == "participant.label")).one()
        assert event.payload == {"before": None, "after": "팀장 A"}
    with db.transaction() as session:
        set_report_labels(session, session.get(Project, project), {first.id: ""}, actor="tester")
    assert labels(db, project)[0][1] == "실무자 A"


def test_bad_labels_are_refused_together_and_nothing_is_saved(db, project):
    with db.transaction() as session:
        from fgi.models import Project
        target = session.get(Project, project)
        ids = list(session.scalars(select(Participant.id).where(Participant.project_id == project)))[:2]
    with pytest.raises(FgiError) as caught:
        with db.transaction() as session:
            set_report_labels(session, session.get(Project, project), {ids[0]: "가" * 41, ids[1]: "참여자(1)", 99999: "x"},
                              actor="tester")
    assert len(caught.value.details) == 3
    with db.reading() as session:
        assert all(p.report_label is None for p in session.scalars(select(Participant)))
    with pytest.raises(FgiError, match="scheme"):
        scheme(db, project, "alphabet")


def test_a_coder_may_not_change_labels(db, project):
    from coding.errors import PermissionDenied
    from coding.users import create_user

    with db.transaction() as session:
        coder = create_user(session, "코더", "password-123", role="coder", actor="tester")
    with pytest.raises(PermissionDenied):
        with db.transaction() as session:
            from fgi.models import Project
            set_label_scheme(session, session.get(Project, project), "group", actor=session.merge(coder))


def test_theme_table_quotes_cite_the_report_labels(db, project):
    """The Word, Excel, CSV and Markdown theme tables all read ``theme_table``."""
    from coding.codebook import add_code
    from coding.applications import apply_code
    from coding.users import add_member, create_user, get_user
    from fgi.models import Project, Segment
    from themes.export_table import theme_table
    from themes.hierarchy import create_node, place_code

    with db.transaction() as session:
        target = session.get(Project, project)
        create_user(session, "팀장", "password-123", role="lead", actor="tester")
        lead = get_user(session, "팀장")
        add_member(session, target, lead, actor="tester")
        add_code(session, target, "어려움", actor="tester")
        lines = session.scalars(select(Segment).where(Segment.speaker.is_not(None)).order_by(Segment.id)).all()
        for segment in lines:
            if segment.participant and segment.participant.role == "participant":
                apply_code(session, lead, segment.id, "어려움")
        domain = create_node(session, target, "domain", "영역", actor="tester").node_id
        theme = create_node(session, target, "theme", "주제", parent_id=domain, actor="tester").node_id
        sub = create_node(session, target, "subtheme", "하위주제", parent_id=theme, actor="tester").node_id
        place_code(session, target, "어려움", sub, actor="tester")
        set_label_scheme(session, target, "transcript", actor="tester")
    with db.reading() as session:
        table = theme_table(session, session.get(Project, project), viewer=get_user(session, "팀장"), quotes=10)
        tags = {q.speaker for row in table.rows for q in row.quotes}
    assert tags and tags <= {"실무자 A", "실무자 B", "실무자 C", "주민 A", "주민 B"}
