"""The demo project: the sample transcripts of this repository, imported with their groups."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from fgi.errors import FgiError
from fgi.ingest import ImportOptions, ImportResult, import_files
from fgi.models import Project
from fgi.morphology import Analyzer
from fgi.study import create_project
from fgi.i18n import _

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLE_TRANSCRIPTS = REPOSITORY / "transcripts"
SAMPLE_CODEBOOKS = REPOSITORY / "codebooks"
DEMO_PROJECT = "데모: 자활사례관리 FGI"
NAMES_FILE = "names.txt"  # names to mask, one a line
TRANSCRIPT_SUFFIXES = {".txt", ".docx", ".srt", ".vtt"}


def sample_transcripts(folder: Path = SAMPLE_TRANSCRIPTS) -> list[Path]:
    if not folder.is_dir():
        raise FgiError(
            _("the sample transcripts are not here: {folder}", folder=folder),
            hint=_("run the demo from a clone of the repository, or pass --from FOLDER"),
        )
    return sorted(p for p in folder.iterdir() if p.suffix in TRANSCRIPT_SUFFIXES and p.name != NAMES_FILE)


def group_of(path: Path) -> str:
    """Sample files are named ``<group>_<session>``, e.g. ``실무자_FGI_1차.txt``."""
    return path.stem.split("_", 1)[0]


def read_names(folder: Path) -> list[str]:
    path = folder / NAMES_FILE
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_demo(
    session: Session, *, actor: str, folder: Path = SAMPLE_TRANSCRIPTS,
    name: str = DEMO_PROJECT, analyzer: Analyzer | None = None,
) -> tuple[Project, list[ImportResult]]:
    project = create_project(session, name, actor=actor, description="표본 자료로 만든 데모 프로젝트")
    names = read_names(folder)
    results: list[ImportResult] = []
    files = sample_transcripts(folder)
    for group in sorted({group_of(p) for p in files}):
        paths = [p for p in files if group_of(p) == group]
        results += import_files(session, project, paths, ImportOptions(group=group, names=names),
                                actor=actor, analyzer=analyzer)
    return project, results
