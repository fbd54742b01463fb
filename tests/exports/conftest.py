"""A small coded study for the export tests: the sample transcripts (with real names in
speaker labels and a masked name), the sample codebook, two coders and a lead, a few
disagreements (one decided), and a theme hierarchy over the codes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from coding import users
from coding.applications import apply_code
from coding.codebook_io import import_codebook_file
from coding.reconcile import decide
from fgi.demo import group_of, read_names, sample_transcripts
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project, list_segments
from tests.conftest import REPO
from themes.hierarchy import create_node, place_code

PROJECT = "자활 FGI 보고"
PASSWORD = "비밀번호1234"
LEAD, CODER_A, CODER_B = "팀장", "코더A", "코더B"
REAL_NAMES = ("김도현", "이수진", "박민수")  # speaker labels of 실무자_FGI_1차 and the names file
HIERARCHY = {  # domain -> theme -> sub-theme -> codes
    "실무자가 본 성과": {
        "참여주민의 변화": {
            "심리·정서적 변화": ["참여주민의 변화/자신감 회복", "참여주민의 변화/정서 변화"],
            "관계와 근로의 변화": ["참여주민의 변화/관계 회복", "참여주민의 변화/근로 습관 형성"],
        },
    },
    "성과요인과 어려움": {
        "실무 여건": {"행정과 실적의 부담": ["실무의 어려움/행정 서류 부담", "실무의 어려움/실적 압박"]},
        "지지 체계": {"동료와 기관의 지원": ["슈퍼비전과 기관 지원/동료 지지"]},
    },
}
CODE_CYCLE = [c for d in HIERARCHY.values() for t in d.values() for s in t.values() for c in s]


@dataclass
class Study:
    db: object
    project: str = PROJECT
    transcripts: dict[str, str] = field(default_factory=dict)  # name -> id
    coded: dict[str, list[str]] = field(default_factory=dict)  # segment -> codes (coder A)
    disputed: tuple[str, str, str] = ("", "", "")  # segment, code applied, code rejected by the lead


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


def build_study(db, analyzer) -> Study:
    study = Study(db)
    files = sample_transcripts(REPO / "transcripts")
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        import_codebook_file(session, project, REPO / "codebooks" / "자활사례관리_코드북.yaml", actor="setup")
        people = {}
        for name, role in [(LEAD, "lead"), (CODER_A, "coder"), (CODER_B, "coder")]:
            people[name] = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            users.add_member(session, project, people[name], actor="setup")
        for group in sorted({group_of(p) for p in files}):
            results = import_files(session, project, [p for p in files if group_of(p) == group],
                                   ImportOptions(group=group, names=read_names(REPO / "transcripts")),
                                   actor="setup", analyzer=analyzer)
            study.transcripts.update({r.name: r.transcript_id for r in results})
        for tid in study.transcripts.values():
            lines = [s for s in list_segments(session, tid) if not s.backchannel and not s.is_moderator]
            for i, segment in enumerate(lines[:12]):
                code = CODE_CYCLE[i % len(CODE_CYCLE)]
                apply_code(session, people[CODER_A], segment.id, code)
                study.coded[segment.id] = [code]
                if i % 4 != 3:  # B agrees on three lines of four
                    apply_code(session, people[CODER_B], segment.id, code)
                else:
                    apply_code(session, people[CODER_B], segment.id, CODE_CYCLE[(i + 1) % len(CODE_CYCLE)])
        disputed = list(study.coded)[3]  # A and B coded it differently: the lead settles it
        a_code, b_code = study.coded[disputed][0], CODE_CYCLE[4 % len(CODE_CYCLE)]
        decide(session, people[LEAD], disputed, a_code, "apply", reason="명확한 자신감 표현")
        decide(session, people[LEAD], disputed, b_code, "reject", reason="해당 없음")
        study.disputed = (disputed, a_code, b_code)
        for domain, themes in HIERARCHY.items():
            d = create_node(session, project, "domain", domain, actor="setup").node_id
            for theme, subthemes in themes.items():
                t = create_node(session, project, "theme", theme, actor="setup", parent_id=d).node_id
                for subtheme, codes in subthemes.items():
                    s = create_node(session, project, "subtheme", subtheme, actor="setup", parent_id=t,
                                    memo=f"{subtheme}에 관한 진술").node_id
                    for code in codes:
                        place_code(session, project, code, s, actor="setup")
        get_project(session, PROJECT)
    return study


@pytest.fixture
def study(db, kiwi, snapshots) -> Study:
    return snapshots(db, "exports-study", lambda: build_study(db, kiwi))
