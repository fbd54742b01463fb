from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coding import codebook
from coding.applications import apply_code
from coding.models import Code, CodeApplication
from coding.users import get_user
from fgi.errors import FgiError, NotFound
from fgi.study import create_project, get_project


@pytest.fixture
def project(db):
    with db.transaction() as session:
        create_project(session, "코드북 연구", actor="setup")
    return "코드북 연구"


def _paths(db, name):
    with db.reading() as session:
        return [c.path for c in codebook.list_codes(session, get_project(session, name))]


def test_the_sample_codebook_is_a_tree_in_file_order(team):
    with team.db.reading() as session:
        codes = codebook.list_codes(session, get_project(session, team.project))
    assert len(codes) == 29
    assert [c.path for c in codes[:3]] == ["자활사례관리의 목적", "자활사례관리의 목적/경제적 자립",
                                           "자활사례관리의 목적/근로 준비"]
    confidence = next(c for c in codes if c.path == "참여주민의 변화/자신감 회복")
    assert confidence.depth == 1 and confidence.color == "#FFBE7D"
    assert confidence.keywords == ["자신감", "뿌듯하다", "칭찬", "할 수 있다"]
    assert confidence.examples == ["요즘은 제가 뭘 해도 할 수 있겠다는 생각이 들어요"]


def test_add_edit_move_delete_are_in_the_history(db, project):
    with db.transaction() as session:
        p = get_project(session, project)
        codebook.add_code(session, p, "성과", actor="팀장", color="#f28e2b")
        codebook.add_code(session, p, "성과/정서적 성과", actor="팀장", definition="마음의 변화",
                          keywords=["우울하다", " 우울하다", ""])
        codebook.add_code(session, p, "과정", actor="팀장")
        codebook.update_code(session, p, "성과/정서적 성과", {"name": "정서 변화", "inclusion": "웃음이 늘어남"},
                             actor="팀장")
        codebook.move_code(session, p, "성과/정서 변화", "과정", actor="팀장")
        codebook.delete_code(session, p, "성과", actor="팀장", reason="범주 재편")
    with db.reading() as session:
        p = get_project(session, project)
        history = codebook.codebook_history(session, p)
        codes = codebook.list_codes(session, p)
    assert [c.path for c in codes] == ["과정", "과정/정서 변화"]
    assert codes[1].keywords == ["우울하다"] and codes[1].definition == "마음의 변화"
    assert [(h.kind, h.subject) for h in history] == [
        ("codebook.add", "성과"), ("codebook.add", "성과/정서적 성과"), ("codebook.add", "과정"),
        ("codebook.update", "성과/정서 변화"), ("codebook.move", "과정/정서 변화"), ("codebook.delete", "성과"),
    ]
    assert history[0].after["color"] == "#F28E2B"
    update = history[3]
    assert (update.before["name"], update.after["name"]) == ("정서적 성과", "정서 변화")
    assert (update.before["inclusion"], update.after["inclusion"]) == (None, "웃음이 늘어남")
    move = history[4]
    assert (move.before["path"], move.after["path"]) == ("성과/정서 변화", "과정/정서 변화")
    assert history[5].after is None and history[5].reason == "범주 재편" and history[5].actor == "팀장"


def test_an_update_that_changes_nothing_is_not_an_event(db, project):
    with db.transaction() as session:
        p = get_project(session, project)
        codebook.add_code(session, p, "성과", actor="팀장", definition="정의")
        codebook.update_code(session, p, "성과", {"definition": "정의"}, actor="팀장")
        assert len(codebook.codebook_history(session, p)) == 1


@pytest.mark.parametrize(("path", "fields", "message"), [
    ("성과", {}, "already exists at the top level"),
    ("성과/정서", {}, "already exists under '성과'"),
    ("없는 부모/코드", {}, "no code '없는 부모'"),
    ("성과/", {}, "needs a name"),
    ("새 코드", {"color": "빨강"}, "not #RRGGBB"),
    ("새 코드", {"colour": "#FF0000"}, "unknown field 'colour'"),
])
def test_add_refuses(db, project, path, fields, message):
    with db.transaction() as session:
        p = get_project(session, project)
        codebook.add_code(session, p, "성과", actor="팀장")
        codebook.add_code(session, p, "성과/정서", actor="팀장")
    with pytest.raises(FgiError, match=message):
        with db.transaction() as session:
            codebook.add_code(session, get_project(session, project), path, actor="팀장", **fields)


def test_siblings_need_distinct_names_but_cousins_may_share(db, project):
    with db.transaction() as session:
        p = get_project(session, project)
        for path in ("실무자", "주민", "실무자/어려움", "주민/어려움"):
            codebook.add_code(session, p, path, actor="팀장")
        codebook.add_code(session, p, "주민/기타", actor="팀장")
        with pytest.raises(FgiError, match="already exists under '주민'"):
            codebook.update_code(session, p, "주민/기타", {"name": "어려움"}, actor="팀장")
        with pytest.raises(FgiError, match="already exists under '주민'"):
            codebook.move_code(session, p, "실무자/어려움", "주민", actor="팀장")


def test_codes_are_found_by_path_or_by_a_name_only_one_code_has(team):
    with team.db.reading() as session:
        p = get_project(session, team.project)
        assert codebook.get_code(session, p, "참여주민의 변화 / 자신감 회복").name == "자신감 회복"
        assert codebook.get_code(session, p, "자신감 회복").name == "자신감 회복"
        with pytest.raises(NotFound, match="no code '자신감'") as error:
            codebook.get_code(session, p, "자신감")
        assert "fgi codebook show" in error.value.hint
        codebook.add_code(session, p, "개선 제언/자신감 회복", actor="팀장")
        with pytest.raises(NotFound) as error:
            codebook.get_code(session, p, "자신감 회복")
        assert "several codes have this name" in error.value.hint


def test_move_reorders_siblings_and_refuses_cycles(db, project):
    with db.transaction() as session:
        p = get_project(session, project)
        for path in ("가", "나", "다", "가/하위", "가/하위/손자"):
            codebook.add_code(session, p, path, actor="팀장")
        codebook.move_code(session, p, "다", None, actor="팀장", position=0)
        with pytest.raises(FgiError, match="under its own subtree"):
            codebook.move_code(session, p, "가", "가/하위/손자", actor="팀장")
        codebook.move_code(session, p, "가/하위", "나", actor="팀장")
    assert _paths(db, project) == ["다", "가", "나", "나/하위", "나/하위/손자"]


def test_deleting_a_code_with_codings_needs_force(study):
    with study.db.transaction() as session:
        coder = get_user(session, study.coder)
        segment = f"{study.transcripts['주민_FGI_1차']}-0010"
        apply_code(session, coder, segment, "참여주민의 변화/자신감 회복")
    with pytest.raises(FgiError, match="'참여주민의 변화' has 1 coding") as error:
        with study.db.transaction() as session:
            codebook.delete_code(session, get_project(session, study.project), "참여주민의 변화", actor="팀장")
    assert "--force" in error.value.hint
    with study.db.transaction() as session:
        p = get_project(session, study.project)
        assert codebook.delete_code(session, p, "참여주민의 변화", actor="팀장", force=True) == 1
    with study.db.reading() as session:
        assert session.scalar(select(func.count(CodeApplication.id))) == 0
        assert session.scalar(select(func.count(Code.id))) == 29 - 6
        entry = codebook.codebook_history(session, get_project(session, study.project))[-1]
        assert entry.extra == {"codings_deleted": 1} and entry.before["subtree"] == 6


def test_example_segments_must_belong_to_the_project(study):
    transcript = study.transcripts["주민_FGI_1차"]
    with study.db.transaction() as session:
        p = get_project(session, study.project)
        codebook.update_code(session, p, "자신감 회복", {"example_segments": [f"{transcript}-0010"]}, actor="팀장")
        with pytest.raises(NotFound, match="no segment nope-0001"):
            codebook.update_code(session, p, "자신감 회복", {"example_segments": ["nope-0001"]}, actor="팀장")
        view = next(c for c in codebook.list_codes(session, p) if c.name == "자신감 회복")
        assert view.example_segments == [f"{transcript}-0010"]
