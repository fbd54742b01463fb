"""Fixtures of the coding tests: a project with the sample codebook and a team of users,
and the same with the sample transcripts imported."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from coding import users
from coding.codebook_io import import_codebook_file
from fgi.demo import group_of, read_names, sample_transcripts
from fgi.ingest import ImportOptions, import_files
from fgi.study import create_project, get_project
from tests.conftest import REPO

SAMPLE_CODEBOOK = REPO / "codebooks" / "자활사례관리_코드북.yaml"
SAMPLE_TRANSCRIPTS = REPO / "transcripts"
PASSWORD = "비밀번호1234"
PROJECT = "자활 FGI"


@dataclass
class Team:
    db: object
    project: str = PROJECT
    lead: str = "팀장"
    coders: tuple[str, str] = ("코더A", "코더B")
    outsider: str = "외부인"  # a coder who is not a member of the project
    admin: str = "관리자"  # not a member either: admins need not be
    transcripts: dict[str, str] = field(default_factory=dict)  # name -> id

    @property
    def coder(self) -> str:
        return self.coders[0]


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """Cheap hashes: the cost factor is not what these tests are about."""
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def team(db, snapshots) -> Team:
    return snapshots(db, "coding-team", lambda: _build_team(db))


def _build_team(db) -> Team:
    team = Team(db)
    with db.transaction() as session:
        project = create_project(session, PROJECT, actor="setup")
        import_codebook_file(session, project, SAMPLE_CODEBOOK, actor="setup")
        for name, role in [(team.lead, "lead"), (team.coders[0], "coder"), (team.coders[1], "coder"),
                           (team.outsider, "coder"), (team.admin, "admin")]:
            user = users.create_user(session, name, PASSWORD, role=role, actor="setup")
            if name not in (team.outsider, team.admin):
                users.add_member(session, project, user, actor="setup")
    return team


@pytest.fixture
def study(team, kiwi, snapshots) -> Team:
    """The team's project with the sample transcripts imported (groups from the file names)."""
    return snapshots(team.db, "coding-study", lambda: _import_samples(team, kiwi))


def _import_samples(team: Team, kiwi) -> Team:
    files = sample_transcripts(SAMPLE_TRANSCRIPTS)
    with team.db.transaction() as session:
        project = get_project(session, team.project)
        for group in sorted({group_of(p) for p in files}):
            results = import_files(
                session, project, [p for p in files if group_of(p) == group],
                ImportOptions(group=group, names=read_names(SAMPLE_TRANSCRIPTS)), actor="setup", analyzer=kiwi)
            team.transcripts.update({r.name: r.transcript_id for r in results})
    return team
