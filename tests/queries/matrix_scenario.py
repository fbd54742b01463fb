"""A small coded study for the matrix tests, with every expected number worked out by hand.

Two transcripts; 실무자 (group 실무자) and 주민 (group 주민), but 참여자4 of 주민 is filed
under 실무자 as a participant (a speaker's group comes before the transcript's).

    실무자                         turns            A                  B
    1 진행자  오늘 ...             moderator
    2 참여자1 자신감이 생겼어요.   p1               자신감             자신감
    3 참여자1 선생님 덕분에 ...    p1               정서적 지지, 자신감 정서적 지지
    4 참여자2 돈이 부족했어요.     p2               어려움
    5 참여자2 그래도 자신감이 ...  p2                                  자신감
    주민
    1 진행자  시작합니다.          moderator
    2 참여자3 혼자서는 어려웠어요. p3               어려움
    3 참여자3 센터에서 도와줬어요. p3               정서적 지지         지원
    4 참여자4 이제 일할 자신이 ... p4               자신감

Nothing is revealed: coder A sees only A's column, the lead both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coding import users
from coding.applications import apply_code
from coding.codebook import add_code, code_index
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project, list_participants, update_participant

PROJECT = "행렬 FGI"
PASSWORD = "비밀번호1234"
A, B, C, LEAD = "코더A", "코더B", "코더C", "팀장"
CHANGE, CONFIDENCE, SUPPORT, EMOTIONAL, HARDSHIP = "변화", "변화/자신감", "지원", "지원/정서적 지지", "어려움"
CODES = [CHANGE, CONFIDENCE, SUPPORT, EMOTIONAL, HARDSHIP]

STAFF = """진행자: 오늘 이야기를 시작하겠습니다.
참여자1: 자신감이 생겼어요.
참여자1: 선생님 덕분에 힘이 났어요.
참여자2: 돈이 부족했어요.
참여자2: 그래도 자신감이 생겼어요.
"""
RESIDENTS = """진행자: 시작합니다.
참여자3: 혼자서는 어려웠어요.
참여자3: 센터에서 도와줬어요.
참여자4: 이제 일할 자신이 있어요.
"""
# transcript -> line -> coder -> codes
CODINGS = {
    "staff": {2: {A: [CONFIDENCE], B: [CONFIDENCE]},
              3: {A: [EMOTIONAL, CONFIDENCE], B: [EMOTIONAL]},
              4: {A: [HARDSHIP]},
              5: {B: [CONFIDENCE]}},
    "residents": {2: {A: [HARDSHIP]},
                  3: {A: [EMOTIONAL], B: [SUPPORT]},
                  4: {A: [CONFIDENCE]}},
}


@dataclass
class Study:
    db: object
    transcripts: dict[str, str] = field(default_factory=dict)  # "staff"/"residents" -> id
    speakers: dict[str, str] = field(default_factory=dict)  # 참여자1 ... -> pseudonym
    codes: dict[str, int] = field(default_factory=dict)  # path -> id

    def segment(self, transcript: str, line: int) -> str:
        return f"{self.transcripts[transcript]}-{line:04d}"


def build(db, tmp_path: Path, analyzer) -> Study:
    study = Study(db)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        for path in CODES:
            add_code(session, project, path, actor="setup")
        for name, role in [(A, "coder"), (B, "coder"), (C, "coder"), (LEAD, "lead")]:
            users.add_member(session, project, users.create_user(session, name, PASSWORD, role=role, actor="setup"),
                             actor="setup")
        for key, group, text in (("staff", "실무자", STAFF), ("residents", "주민", RESIDENTS)):
            path = tmp_path / f"{group}.txt"
            path.write_text(text, encoding="utf-8")
            [result] = import_files(session, project, [path], ImportOptions(group=group), actor="setup",
                                    analyzer=analyzer)
            study.transcripts[key] = result.transcript_id
        for participant in list_participants(session, project):
            study.speakers[participant.label] = participant.pseudonym
            if participant.label == "참여자4":
                update_participant(session, participant.id, actor="setup", attributes={"group": "실무자"})
        study.codes = {path: code.id for path, code in code_index(session, project).items()}
    with db.transaction() as session:
        for key, lines in CODINGS.items():
            for line, by_coder in lines.items():
                for coder, codes in by_coder.items():
                    for code in codes:
                        apply_code(session, users.get_user(session, coder), study.segment(key, line), code)
    return study


def project(session):
    return get_project(session, PROJECT)
