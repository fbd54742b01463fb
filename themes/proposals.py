"""Candidate themes from the database: choose the units, embed them (through the cache),
cluster, label, and store the run with its candidates so they can be accepted by id.

Two levels:

* ``subtheme``: the units are lines (``coded`` or ``all`` participant lines); each
  candidate is a group of lines. Its *codes* are the codes its lines carry (team view),
  with the share of its coded lines that carry each; the *dominant* ones (share >= 30 %,
  at least the first, at most five) are what an accepted sub-theme holds.
* ``theme``: the units are codes, each represented by the mean of its coded lines'
  embeddings; each candidate is a group of codes, its members are their lines, and its
  representative quotes are the lines nearest the candidate's centre.

With ``coded`` units, the codes each line carries (the team view) are appended to its
vectors (``themes.seeding.co_coded_matrix``, weight ``CO_CODED_WEIGHT``): lines coded
alike attract, which raised line-level AMI on the dev quotes from 0.219 to 0.248 (10
seeds; ``bench/candidates_eval.py``). Labels are nouns and noun phrases chosen by c-TF-IDF
and MMR (``themes.labels``). The noun
lemmas of kiwi-lsa and of the labels are read from the import where Kiwi analysed the
transcript (``themes.units.Line.nouns``); other lines go through the feature cache
(``themes.cache``). The same lines, settings and seed give the same candidates.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from coding.applications import sees_every_coding
from coding.models import User
from fgi.errors import FgiError
from fgi.models import Event, Project
from fgi.i18n import _
from themes.cache import CacheStats, Progress, cached_features, embed_with_cache, keyword_tokens
from themes.embedders import KIWI_NOUNS
from themes.labels import label_terms, representatives
from themes.models import ALL, CODED, PROPOSAL_LEVELS, SUBTHEME, THEME, ThemeCandidate, ThemeRun
from themes.partition import unit_rows
from themes.proposer import ThemeProposer, embedding_views, takes_views
from themes.seeding import attracted, co_coded_matrix
from themes.units import Line, proposal_units

DOMINANT_SHARE = 0.3
MAX_DOMINANT = 5
MIN_UNITS = 3
LABEL_TERMS = "kiwi-terms.v1"  # feature id of themes.labels.label_terms in the feature cache
CO_CODED_WEIGHT = 0.5  # of the codes a line carries, beside its text (themes.seeding)
MAX_BACKGROUND = 5000  # other lines of the project weighed against in the labels (evenly sampled)


@dataclass(frozen=True)
class ProposalSettings:
    level: str = SUBTHEME
    units: str = CODED
    embedder: str = "kiwi-lsa"  # a name for themes.embedders.get_embedder
    clusterer: str = "consensus"
    k: int | str = "auto"
    seed: int = 0
    n_quotes: int = 3  # representative quotes per candidate (3-5 read well)


def _check(settings: ProposalSettings) -> None:
    if settings.level not in PROPOSAL_LEVELS:
        raise FgiError(_('unknown level {level}', level=repr(settings.level)), hint=_('use one of: {join}', join=', '.join(PROPOSAL_LEVELS)))
    if settings.level == THEME and settings.units != CODED:
        raise FgiError(_('theme-level proposals group codes by their coded lines, so they always use coded lines'),
                       hint=_('leave out --units, or use --level subtheme with --units all'))
    if settings.k != "auto" and (not str(settings.k).isdigit() or int(settings.k) < 2):
        raise FgiError(_("k must be 'auto' or a whole number of at least 2, not {k}", k=repr(settings.k)))
    if not 1 <= settings.n_quotes <= 10:
        raise FgiError(_('ask for between 1 and 10 representative quotes'))


def make_embedder(name: str, seed: int):
    """The embedder called ``name``, seeded where it has a seed; unknown names are errors."""
    from themes.embedders import available_embedders, get_embedder

    params = {} if name.startswith("sentence-transformers:") else {"random_state": seed}
    try:
        return get_embedder(name, **params)
    except ValueError as exc:
        raise FgiError(str(exc), hint=_('embedders: {join}', join=', '.join(available_embedders()))) from None


def _input_hash(level: str, lines: Sequence[Line]) -> str:
    digest = hashlib.sha256(level.encode())
    for line in lines:
        digest.update(f"\n{line.segment_id}\t{line.text}".encode())
    return digest.hexdigest()


def _code_shares(lines: Sequence[Line]) -> list[dict]:
    coded = [line for line in lines if line.code_ids]
    counts = Counter(c for line in coded for c in line.code_ids)
    return [{"id": c, "lines": n, "share": round(n / len(coded), 4)}
            for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def dominant_codes(codes: Sequence[dict]) -> list[int]:
    """The codes an accepted sub-theme takes: share >= DOMINANT_SHARE, at least the first."""
    chosen = [c["id"] for c in codes if c["share"] >= DOMINANT_SHARE][:MAX_DOMINANT]
    return chosen or [c["id"] for c in codes[:1]]


def _spread(lines: Sequence[Line]) -> tuple[int, int]:
    return len({line.speaker for line in lines if line.speaker}), len({line.group for line in lines if line.group})


def _nearest(Z: np.ndarray, idx: Sequence[int], n: int) -> list[int]:
    """The ``n`` of rows ``idx`` closest to their centroid, closest first."""
    picked = representatives(Z[list(idx)], np.zeros(len(idx), dtype=np.int64), k=n)[0]
    return [idx[i] for i in picked]


def _embed(session: Session, settings: ProposalSettings, lines: Sequence[Line], embedder, progress, stats):
    emb = embedder if embedder is not None else make_embedder(settings.embedder, settings.seed)
    texts, nouns = [line.text for line in lines], [line.nouns for line in lines]
    Z, features = embed_with_cache(session, emb, texts, nouns=nouns, progress=progress, stats=stats)
    if features is not None and getattr(emb, "feature_id", None) == KIWI_NOUNS:
        tokens = features
    else:
        tokens = keyword_tokens(session, texts, nouns=nouns, progress=progress, stats=stats)
    views = embedding_views(emb, texts, features) if takes_views(settings.clusterer) else None
    return emb, Z, tokens, views


def _terms(session: Session, lines: Sequence[Line], progress=None, stats=None) -> list[list[str]]:
    """The label terms (nouns and noun phrases) of ``lines``: stored at import, else through
    the feature cache."""
    return cached_features(session, LABEL_TERMS, label_terms, [line.text for line in lines],
                           known=[line.terms for line in lines], progress=progress, stats=stats)


def _background(session: Session, project: Project, settings: ProposalSettings, lines: Sequence[Line],
                viewer: User, stats) -> list[list[str]]:
    """Label terms of the project's participant lines that are not clustered (coded units
    only; at most ``MAX_BACKGROUND``, evenly spaced): the rest of the project the labels
    are weighed against. Texts only: no coding is read."""
    if settings.units != CODED:
        return []
    taken = {line.segment_id for line in lines}
    rest = [line for line in proposal_units(session, project, ALL, viewer=viewer) if line.segment_id not in taken]
    if len(rest) > MAX_BACKGROUND:
        rest = [rest[i] for i in np.linspace(0, len(rest) - 1, MAX_BACKGROUND).astype(int)]
    return _terms(session, rest, stats=stats)


def _proposer(emb, settings: ProposalSettings) -> ThemeProposer:
    return ThemeProposer(embedder=emb, clusterer=settings.clusterer, k=settings.k,
                         n_representatives=settings.n_quotes, random_state=settings.seed)


def _line_candidates(lines, Z, tokens, views, emb, settings, terms, background) -> tuple[list[dict], dict]:
    if settings.units == CODED and any(line.code_ids for line in lines):
        # lines coded alike attract (themes.seeding): measured on the dev quotes, AMI 0.219 -> 0.248
        extra = co_coded_matrix([line.code_ids for line in lines])
        Z = attracted([Z], extra, CO_CODED_WEIGHT)[0]
        views = None if views is None else attracted(views, extra, CO_CODED_WEIGHT)
    proposer = _proposer(emb, settings).fit([line.text for line in lines], embeddings=Z, tokens=tokens, views=views,
                                            terms=terms, background=background)
    out = []
    for c in proposer.candidates_:
        members = [lines[i] for i in c.members]
        out.append({"label": c.label, "keywords": c.keywords, "members": [m.segment_id for m in members],
                    "member_codes": [], "representatives": [lines[i].segment_id for i in c.representatives],
                    "codes": _code_shares(members), "spread": _spread(members),
                    "stability": (c.stability, c.resamples)})
    return out, dict(getattr(proposer, "k_scores_", {}))


def _code_means(Zn: np.ndarray, by_code: dict[int, list[int]], code_ids: Sequence[int]) -> np.ndarray:
    """Each code as the mean of its lines' unit vectors."""
    return np.vstack([Zn[by_code[c]].mean(axis=0) for c in code_ids])


def _code_candidates(lines, Z, tokens, views, emb, settings, terms, background) -> tuple[list[dict], dict]:
    by_code: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        for c in line.code_ids:
            by_code.setdefault(c, []).append(i)
    code_ids = sorted(by_code)
    if len(code_ids) < MIN_UNITS:
        raise FgiError(_('theme-level proposals need at least {MIN_UNITS} codes with coded lines; this project has {count}', MIN_UNITS=MIN_UNITS, count=len(code_ids)), hint=_('code more lines, or propose sub-themes first'))
    Zn = unit_rows(Z)
    C = _code_means(Zn, by_code, code_ids)
    code_views = None if views is None else [_code_means(unit_rows(V), by_code, code_ids) for V in views]
    code_tokens = [[t for i in by_code[c] for t in tokens[i]] for c in code_ids]
    code_terms = [[t for i in by_code[c] for t in terms[i]] for c in code_ids]
    proposer = _proposer(emb, settings).fit([str(c) for c in code_ids], embeddings=C, tokens=code_tokens,
                                            views=code_views, terms=code_terms, background=background)
    out = []
    for cand in proposer.candidates_:
        codes = [code_ids[i] for i in cand.members]
        idx = sorted({i for c in codes for i in by_code[c]})
        members = [lines[i] for i in idx]
        shares = [{"id": c, "lines": len(by_code[c]), "share": round(len(by_code[c]) / len(idx), 4)}
                  for c in sorted(codes, key=lambda c: (-len(by_code[c]), c))]
        out.append({"label": cand.label, "keywords": cand.keywords, "members": [m.segment_id for m in members],
                    "member_codes": [s["id"] for s in shares],
                    "representatives": [lines[i].segment_id for i in _nearest(Zn, idx, settings.n_quotes)],
                    "codes": shares, "spread": _spread(members),
                    "stability": (cand.stability, cand.resamples)})
    return out, dict(getattr(proposer, "k_scores_", {}))


def propose(session: Session, project: Project, settings: ProposalSettings = ProposalSettings(), *,
            viewer: User, embedder=None, progress: Progress | None = None) -> int:
    """Run a proposal from the codings ``viewer`` may see and store it, recording whose
    view it was computed from (``details["view"]``, see ``themes.runs``); returns the run id
    (read it with ``themes.runs.get_run``).

    ``embedder``: an Embedder object to use instead of ``settings.embedder`` (tests, the
    app's cached model). ``progress(done, total)`` is called while lines are analysed.
    """
    _check(settings)
    actor = viewer.name
    full_view = sees_every_coding(session, viewer, project) is None
    lines = proposal_units(session, project, settings.units, viewer=viewer)
    if len(lines) < MIN_UNITS:
        raise FgiError(
            _('only {count} {value}participant lines in project {name}; proposals need at least {MIN_UNITS}', count=len(lines), value='coded ' if settings.units == CODED else '', name=repr(project.name), MIN_UNITS=MIN_UNITS),
            hint=_('code more lines first, or use --units all') if settings.units == CODED else _('import transcripts first'))
    stats = CacheStats()
    emb, Z, tokens, views = _embed(session, settings, lines, embedder, progress, stats)
    make = _line_candidates if settings.level == SUBTHEME else _code_candidates
    # Candidates come largest first; each one's stability is kept in the run's details
    # (by position), beside the other numbers of how the run was made.
    term_stats = CacheStats()  # the label terms' own cache, apart from the embedding features'
    terms = _terms(session, lines, progress, term_stats)
    background = _background(session, project, settings, lines, viewer, term_stats)
    candidates, k_scores = make(lines, Z, tokens, views, emb, settings, terms, background)
    run = ThemeRun(project_id=project.id, level=settings.level, units=settings.units, embedder=emb.id,
                   clusterer=settings.clusterer, k=str(settings.k), seed=settings.seed, n_units=len(lines),
                   input_hash=_input_hash(settings.level, lines), created_by=actor,
                   details={"k_scores": {str(k): round(float(v), 6) for k, v in k_scores.items()},
                            "cache": {"hits": stats.hits, "computed": stats.computed, "stored": stats.stored},
                            "label_cache": {"hits": term_stats.hits, "computed": term_stats.computed},
                            "view": {"viewer_id": viewer.id, "viewer": viewer.name, "full": full_view},
                            "stability": [c["stability"][0] for c in candidates],
                            "resamples": max([c["stability"][1] for c in candidates], default=0)})
    session.add(run)
    session.flush()
    for position, c in enumerate(candidates):
        participants, groups = c.pop("spread")
        c.pop("stability")
        session.add(ThemeCandidate(run_id=run.id, position=position, participants=participants, groups=groups, **c))
    session.flush()
    Event.record(session, actor=actor, kind="themes.propose", project_id=project.id, subject=str(run.id),
                 payload={"before": None, "after": {"run": run.id, "level": run.level, "units": run.units,
                                                    "embedder": run.embedder, "k": run.k, "seed": run.seed,
                                                    "lines": len(lines), "candidates": len(candidates)}})
    return run.id
