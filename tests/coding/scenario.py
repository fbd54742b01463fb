"""A small coded study with known disagreements, for the agreement and reconciliation tests.

Two transcripts; coders A, B and C code the first, only A and B the second (so C's values
there are missing, not absent). Line 1 of each is the moderator; line 3 of the first is a
back-channel (네.).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coding import users
from coding.applications import apply_code
from coding.codebook import add_code
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project

PROJECT = "자활 FGI 합의"
PASSWORD = "비밀번호1234"
A, B, C = "코더A", "코더B", "코더C"
LEAD, ADMIN, OUTSIDER = "팀장", "관리자", "외부인"
CODERS = (A, B, C)

FIRST = """진행자: 오늘은 자활센터에 다니면서 달라진 점을 이야기해 주세요.
참여자1: 처음에는 자신감이 하나도 없었어요.
참여자2: 네.
참여자2: 선생님이 매일 전화해 주셔서 힘이 났어요.
참여자3: 돈 문제가 제일 힘들었어요.
참여자1: 이제는 일하러 나가는 게 즐거워요.
참여자3: 아이 키우면서 다니기가 어려웠어요.
참여자2: 동료들과 같이 일하니까 외롭지 않았어요.
"""
SECOND = """진행자: 마지막으로 하고 싶은 말씀 있으세요?
참여자4: 자활센터 덕분에 다시 일어설 수 있었어요.
참여자5: 월세 내기가 아직도 빠듯해요.
"""
CODES = ["변화", "변화/자신감", "지원", "지원/정서적 지지", "어려움", "어려움/경제", "어려움/돌봄", "기타"]
CONFIDENCE, SUPPORT, MONEY, CARE = "변화/자신감", "지원/정서적 지지", "어려움/경제", "어려움/돌봄"
USED = sorted([CONFIDENCE, SUPPORT, MONEY, CARE])

# transcript -> line -> coder -> codes
CODINGS = {
    "first": {
        1: {A: [CONFIDENCE]},  # the moderator's line
        2: {A: [CONFIDENCE], B: [CONFIDENCE], C: [CONFIDENCE]},
        4: {A: [SUPPORT], B: [SUPPORT]},
        5: {A: [MONEY], B: [MONEY], C: [MONEY]},
        6: {A: [CONFIDENCE], B: [CONFIDENCE], C: [SUPPORT]},
        7: {A: [CARE], B: [CARE], C: [CARE]},
    },
    "second": {
        2: {A: [CONFIDENCE], B: [CONFIDENCE]},
        3: {A: [MONEY], B: [MONEY, CARE]},
    },
}
MEMO = "매일 전화 = 정서적 지지"  # A's memo on first line 4
LINES = {"first": 8, "second": 3}
MODERATOR_LINES = {"first": 1, "second": 1}
BACKCHANNEL_LINES = {"first": 3}


@dataclass
class Study:
    db: object
    transcripts: dict[str, str] = field(default_factory=dict)  # "first"/"second" -> id

    def segment(self, transcript: str, line: int) -> str:
        return f"{self.transcripts[transcript]}-{line:04d}"


def build(db, tmp_path: Path, analyzer) -> Study:
    study = Study(db)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        for path in CODES:
            add_code(session, project, path, actor="setup")
        for name, role in [(A, "coder"), (B, "coder"), (C, "coder"), (LEAD, "lead"), (ADMIN, "admin"),
                           (OUTSIDER, "coder")]:
            user = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            if name not in (ADMIN, OUTSIDER):
                users.add_member(session, project, user, actor="setup")
        for key, text in (("first", FIRST), ("second", SECOND)):
            path = tmp_path / f"{key}.txt"
            path.write_text(text, encoding="utf-8")
            [result] = import_files(session, project, [path], ImportOptions(group="주민"), actor="setup",
                                    analyzer=analyzer)
            study.transcripts[key] = result.transcript_id
    with db.transaction() as session:
        for key, lines in CODINGS.items():
            for line, by_coder in lines.items():
                for coder, codes in by_coder.items():
                    user = users.get_user(session, coder)
                    for code in codes:
                        memo = MEMO if (key, line, coder) == ("first", 4, A) else None
                        apply_code(session, user, study.segment(key, line), code, memo=memo)
    return study


def expected_matrix(code: str, *, transcripts=("first", "second"), coders=CODERS, moderator=False,
                    backchannels=False, only_coded=False) -> np.ndarray:
    """Units x coders for one code, straight from CODINGS: 1/0, NaN where a coder did not code."""
    rows = []
    for key in transcripts:
        took_part = {c for by_coder in CODINGS[key].values() for c in by_coder}
        for line in range(1, LINES[key] + 1):
            if not moderator and MODERATOR_LINES.get(key) == line:
                continue
            if not backchannels and BACKCHANNEL_LINES.get(key) == line:
                continue
            by_coder = CODINGS[key].get(line, {})
            if only_coded and not any(c in by_coder for c in coders):
                continue
            rows.append([float(code in by_coder.get(c, [])) if c in took_part else np.nan for c in coders])
    return np.array(rows)


def project(session):
    return get_project(session, PROJECT)
