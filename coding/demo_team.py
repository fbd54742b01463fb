"""A team for the demo project: a lead and two coders who can log in to the app, the
sample codebook, and (optionally) a first round of blind codings to look at.

Proposed for ``fgi demo``: after ``build_demo``, call ``build_demo_team(session, project,
actor=...)``. The passwords are public (they are printed by the demo and in the README), so
this is for a demo database only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from coding.codebook import list_codes
from coding.codebook_io import import_codebook_file
from coding.keywords import accept_suggestion, suggest_keywords
from coding.models import CODER, LEAD
from coding.users import add_member, create_user
from fgi.demo import SAMPLE_CODEBOOKS
from fgi.models import Project
from fgi.study import list_transcripts

DEMO_PASSWORD = "demo1234"  # user passwords need 8 characters
DEMO_LEAD = "팀장"
DEMO_CODERS = ("코더1", "코더2")


@dataclass(frozen=True)
class DemoTeam:
    lead: str = DEMO_LEAD
    coders: tuple[str, ...] = DEMO_CODERS
    password: str = DEMO_PASSWORD
    codings: dict[str, int] = field(default_factory=dict)  # coder -> codings made


def sample_codebook(folder: Path = SAMPLE_CODEBOOKS) -> Path:
    return sorted(folder.glob("*.yaml"))[0]


def build_demo_team(session: Session, project: Project, *, actor: str, password: str = DEMO_PASSWORD,
                    codebook: Path | None = None, coded_lines: int = 0, nlp=None) -> DemoTeam:
    """Users 팀장 (lead) and 코더1, 코더2 (coders) on ``project``, the sample codebook, and,
    when ``coded_lines`` > 0, each coder's keyword suggestions accepted on the first
    ``coded_lines`` suggested lines of the first transcript (코더2 skips every third one,
    so the agreement page has disagreements to show). Transcripts stay blind."""
    if not list_codes(session, project):
        import_codebook_file(session, project, codebook or sample_codebook(), actor=actor)
    lead = create_user(session, DEMO_LEAD, password, role=LEAD, actor=actor)
    add_member(session, project, lead, actor=actor)
    coders = []
    for name in DEMO_CODERS:
        coder = create_user(session, name, password, role=CODER, actor=actor)
        add_member(session, project, coder, actor=actor)
        coders.append(coder)
    made: dict[str, int] = {}
    transcripts = list_transcripts(session, project)
    if coded_lines > 0 and transcripts:
        first = transcripts[0].id
        for number, coder in enumerate(coders):
            suggestions = suggest_keywords(session, coder, project, transcript_id=first, nlp=nlp)
            lines = sorted({s.line for s in suggestions})[:coded_lines]
            made[coder.name] = 0
            for s in suggestions:
                if s.line in lines and not (number == 1 and lines.index(s.line) % 3 == 2):
                    accept_suggestion(session, coder, s.segment_id, s.code_id)
                    made[coder.name] += 1
    return DemoTeam(password=password, codings=made)
