"""A proposal run's lines as points in two dimensions, for a scatter plot coloured by
candidate: the lines' embeddings (features stored at import or through the cache, see
``themes.cache``) reduced to 2-D by PCA.

Owned by the app (``ui/pages/themes.py``); plain data in and out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from coding.models import User
from fgi.models import Project
from themes.cache import embed_with_cache
from themes.runs import get_run
from themes.units import lines_by_id


@dataclass(frozen=True)
class Point:
    segment_id: str
    x: float
    y: float
    candidate: int  # the candidate's position in its run (0 = largest)
    label: str
    text: str
    speaker: str | None


def embedder_name(embedder_id: str) -> str:
    """The registry name of a stored run's embedder id (``kiwi-lsa.v1`` -> ``kiwi-lsa``)."""
    if embedder_id.startswith("sentence-transformers:"):
        return embedder_id
    return embedder_id.split(".v", 1)[0].split("(", 1)[0]


def to_2d(vectors: np.ndarray) -> np.ndarray:
    """PCA to two dimensions (fewer rows than that: zeros)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or len(vectors) < 2:
        return np.zeros((len(vectors), 2))
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    return xy if xy.shape[1] == 2 else np.hstack([xy, np.zeros((len(xy), 2 - xy.shape[1]))])


def run_points(session: Session, project: Project, run_id: int, embedder, *, viewer: User) -> list[Point]:
    """Every member line of the run's candidates, placed by its embedding. Writes to the
    embedding / feature cache, so call it in a transaction."""
    run = get_run(session, project, run_id, viewer=viewer)
    members = [(sid, c.position, c.label) for c in run.candidates for sid in c.members]
    lines = lines_by_id(session, project, [sid for sid, _, _ in members])
    members = [m for m in members if m[0] in lines]
    if not members:
        return []
    vectors, _ = embed_with_cache(session, embedder, [lines[sid].text for sid, _, _ in members],
                                  nouns=[lines[sid].nouns for sid, _, _ in members])
    xy = to_2d(vectors)
    return [Point(sid, float(x), float(y), position, label, lines[sid].text, lines[sid].speaker)
            for (sid, position, label), (x, y) in zip(members, xy)]
