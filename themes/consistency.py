"""The coding-consistency check (leads): coded lines far from their code's other lines,
possible miscodings, ranked, each with the code it would fit better.

It reads every coder's codings (``coding.applications.codings_for`` as the lead sees them),
so it is a lead's action (``themes.consistency`` in the permission table). Each distinct
(line, code) pair is scored once, whoever coded it (the coders are listed); the
arithmetic is ``themes.consistency_score``. Measured on the dev quotes with 10 % of the
codes made wrong on purpose (``bench/consistency_eval.py``, docs/benchmarks.md).

Nothing is changed: the lead opens a line in the coding view and decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from coding.applications import codings_for
from coding.codebook import code_index
from coding.models import User
from coding.permissions import require
from fgi.errors import FgiError
from fgi.i18n import _
from fgi.models import Project
from themes.cache import keyword_tokens
from themes.consistency_score import MIN_OTHERS, consistency_scores
from themes.units import lines_by_id


@dataclass(frozen=True)
class DoubtfulCoding:
    segment_id: str
    transcript: str  # the transcript's name
    line: int
    speaker: str | None
    text: str
    code_id: int
    code_path: str
    coders: tuple[str, ...]  # who applied the code to the line
    fit: float  # cosine with the code's other lines (their mean)
    better_code_id: int | None  # the code it is closest to among those it does not carry
    better_path: str | None
    better_fit: float
    doubt: float  # better_fit - fit: how much closer it is to the other code


def coding_consistency(session: Session, project: Project, *, actor: User, limit: int = 20,
                       code_path: str | None = None) -> list[DoubtfulCoding]:
    """The ``limit`` most doubtful codings of the project (optionally of one code), most
    doubtful first."""
    require(session, actor, "themes.consistency", project)
    if limit < 1:
        raise FgiError(_("ask for at least one line (--limit 1 or more)"))
    codes = code_index(session, project)
    if code_path is not None and code_path not in codes:
        raise FgiError(_("no code {code} in project {project}", code=code_path, project=project.name),
                       hint=_("the codes are listed by: fgi codebook show --project {project}", project=project.name))
    coders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in codings_for(session, actor, project=project):
        if c.code_path in codes:
            coders[(c.segment_id, c.code_path)].add(c.coder)
    lines = lines_by_id(session, project, sorted({s for s, _p in coders}))
    ids = sorted(lines)
    row = {s: i for i, s in enumerate(ids)}
    pairs = [(row[s], p) for s, p in coders if s in row]
    if not pairs:
        return []
    tokens = keyword_tokens(session, [lines[s].text for s in ids], nouns=[lines[s].nouns for s in ids])
    out = []
    for score in consistency_scores(tokens, pairs):
        if code_path is not None and score.code != code_path:
            continue
        line = lines[ids[score.line]]
        better = codes[score.better] if score.better else None
        out.append(DoubtfulCoding(line.segment_id, line.transcript, line.line, line.speaker, line.text,
                                  codes[score.code].id, score.code, tuple(sorted(coders[(line.segment_id, score.code)])),
                                  score.fit, better.id if better else None, score.better, score.better_fit,
                                  score.doubt))
        if len(out) >= limit:
            break
    return out


def min_lines() -> int:
    """Lines a code needs before its lines are judged (itself and ``MIN_OTHERS`` others)."""
    return MIN_OTHERS + 1
