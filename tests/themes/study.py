"""A coded study for the database tests of themes: the sample transcripts, the sample
codebook, a lead and two coders.

Coder A codes every participant line that contains one of a code's keywords (as text):
a lexical, reproducible stand-in for a person. Coder B codes the first participant lines
of the practitioners' first session with ``개선 제언/행정 간소화``, a code A never uses,
so blind coding can be checked: A must not learn from B's codings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sqlalchemy import select, update

from coding import users
from coding.applications import apply_code
from coding.codebook import list_codes
from coding.codebook_io import import_codebook_file
from fgi.demo import group_of, read_names, sample_transcripts
from fgi.ingest import ImportOptions, import_files
from fgi.models import Segment, Transcript
from fgi.study import create_project, get_project
from tests.conftest import REPO
from themes.units import proposal_units

CODEBOOK = REPO / "codebooks" / "자활사례관리_코드북.yaml"
TRANSCRIPTS = REPO / "transcripts"
PROJECT = "자활 FGI 주제"
PASSWORD = "비밀번호1234"
LEAD, A, B, OUTSIDER = "팀장", "코더A", "코더B", "외부인"
B_CODE = "개선 제언/행정 간소화"
B_LINES = 6


@dataclass
class Study:
    db: object
    transcripts: dict[str, str] = field(default_factory=dict)  # name -> id
    a_codings: set[tuple[str, str]] = field(default_factory=set)  # (segment id, code path)
    b_codings: set[tuple[str, str]] = field(default_factory=set)

    def project(self, session):
        return get_project(session, PROJECT)


def build_study(db, analyzer) -> Study:
    users.BCRYPT_ROUNDS = 4
    study = Study(db)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        import_codebook_file(session, project, CODEBOOK, actor="setup")
        for name, role in [(LEAD, "lead"), (A, "coder"), (B, "coder"), (OUTSIDER, "coder")]:
            user = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            if name != OUTSIDER:
                users.add_member(session, project, user, actor="setup")
        files = sample_transcripts(TRANSCRIPTS)
        for group in sorted({group_of(p) for p in files}):
            results = import_files(session, project, [p for p in files if group_of(p) == group],
                                   ImportOptions(group=group, names=read_names(TRANSCRIPTS)), actor="setup",
                                   analyzer=analyzer)
            study.transcripts.update({r.name: r.transcript_id for r in results})
    with db.transaction() as session:
        project = get_project(session, PROJECT)
        codes = [c for c in list_codes(session, project) if c.keywords]
        coder_a, coder_b = users.get_user(session, A), users.get_user(session, B)
        first = study.transcripts["실무자_FGI_1차"]
        every = proposal_units(session, project, "all", viewer=users.get_user(session, LEAD))
        b_lines = [line for line in every if line.transcript_id == first][:B_LINES]
        for line in every:
            for code in codes:
                if any(k in line.text for k in code.keywords) and code.path != B_CODE:
                    apply_code(session, coder_a, line.segment_id, code.id)
                    study.a_codings.add((line.segment_id, code.path))
        for line in b_lines:
            apply_code(session, coder_b, line.segment_id, B_CODE)
            study.b_codings.add((line.segment_id, B_CODE))
    return study


def recorded_as(db, names, backend: str | None, lemmas: str | None = None) -> None:
    """Make transcripts look imported by ``backend`` (None: before the backend was recorded),
    optionally with other stored ``lemmas`` on every line."""
    with db.transaction() as session:
        for transcript in session.scalars(select(Transcript).where(Transcript.name.in_(list(names)))):
            meta = {k: v for k, v in transcript.meta.items() if k != "morphology"}
            transcript.meta = meta if backend is None else {**meta, "morphology": backend}
            if lemmas is not None:
                session.execute(update(Segment).where(Segment.transcript_id == transcript.id).values(lemmas=lemmas))


@pytest.fixture
def study(db, kiwi, snapshots) -> Study:
    return snapshots(db, "themes-study", lambda: build_study(db, kiwi))
