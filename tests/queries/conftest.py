"""A small coded study for the query tests: two transcripts in two groups, a lead and two
coders who code both, words in several inflections (까다로워서, 까다로운, 까다롭다)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from coding import users
from coding.applications import apply_code
from coding.codebook import add_code
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project

PROJECT = "검색 FGI"
PASSWORD = "비밀번호1234"
A, B = "코더A", "코더B"
LEAD, ADMIN, OUTSIDER = "팀장", "관리자", "외부인"

FIRST = """진행자: 자활센터에 다니면서 달라진 점을 이야기해 주세요.
참여자1: 처음에는 서류가 까다로워서 포기할 뻔했어요.
참여자2: 선생님이 매일 전화해 주셔서 자신감이 생겼어요.
참여자3: 자격증 시험 준비가 까다로운 편이었어요.
참여자1: 이제는 일하러 나가는 게 즐거워요.
참여자2: 자격증을 따고 나니 자신감이 돌아왔어요.
참여자3: 아이 키우면서 다니기가 어려웠어요.
"""
SECOND = """진행자: 마지막으로 하고 싶은 말씀 있으세요?
참여자4: 절차가 너무 까다롭다고 느꼈어요.
참여자5: 월세 내기가 아직도 빠듯해요. (웃음)
참여자4: 동료들 덕분에 자신감을 되찾았어요.
"""
CONFIDENCE, JOB, MONEY, CHANGE = "변화/자신감 회복", "변화/취업과 자격 취득", "어려움/경제", "변화"
CODES = [CHANGE, CONFIDENCE, JOB, "어려움", MONEY]

# (transcript, line) -> coder -> codes
CODINGS = {
    ("first", 3): {A: [CONFIDENCE], B: [CONFIDENCE]},
    ("first", 6): {A: [CONFIDENCE, JOB], B: [JOB]},
    ("first", 4): {A: [JOB]},
    ("second", 4): {A: [CONFIDENCE]},
    ("second", 3): {B: [MONEY]},
}


@dataclass
class Study:
    db: object
    transcripts: dict[str, str] = field(default_factory=dict)  # "first"/"second" -> id

    def segment(self, transcript: str, line: int) -> str:
        return f"{self.transcripts[transcript]}-{line:04d}"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


def build(db, tmp_path, analyzer) -> Study:
    study = Study(db)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        for path in CODES:
            add_code(session, project, path, actor="setup")
        for name, role in [(A, "coder"), (B, "coder"), (LEAD, "lead"), (ADMIN, "admin"), (OUTSIDER, "coder")]:
            user = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            if name not in (ADMIN, OUTSIDER):
                users.add_member(session, project, user, actor="setup")
        for key, text, group in (("first", FIRST, "주민"), ("second", SECOND, "실무자")):
            path = tmp_path / f"{key}.txt"
            path.write_text(text, encoding="utf-8")
            [result] = import_files(session, project, [path], ImportOptions(group=group), actor="setup",
                                    analyzer=analyzer)
            study.transcripts[key] = result.transcript_id
    with db.transaction() as session:
        for (key, line), by_coder in CODINGS.items():
            for coder, codes in by_coder.items():
                for code in codes:
                    apply_code(session, users.get_user(session, coder), study.segment(key, line), code)
    return study


@pytest.fixture
def study(db, tmp_path, kiwi, snapshots) -> Study:
    return snapshots(db, "queries-study", lambda: build(db, tmp_path, kiwi))


def project(session):
    return get_project(session, PROJECT)


def user(session, name):
    return users.get_user(session, name)
