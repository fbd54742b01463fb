"""Code suggestions for a coder: rank the codebook's codes for a line.

Evidence comes from two places (``themes.suggest.CodeSuggester`` does the ranking):

* the lines already coded that the *viewer may see* — read through
  ``coding.applications.codings_for``, so blind coding holds: a coder learns only from
  their own codings (and from revealed transcripts or open projects); a lead from all;
* each code's definition, inclusion rule, examples and keywords in the codebook.

The segments being ranked are left out of the evidence. Each suggestion names the most
similar evidence line coded with the code, so a coder can see why. The Kiwi noun lemmas
of lines are read from the import where Kiwi analysed the transcript
(``themes.units.Line.nouns``); those of other lines and of the definitions come from the
feature cache (``themes.cache``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from coding.applications import codings_for
from coding.codebook import list_codes
from coding.models import User
from fgi.errors import FgiError, NotFound
from fgi.models import Project
from fgi.i18n import _
from themes.cache import keyword_tokens
from themes.suggest import CodeSuggester
from themes.units import lines_by_id


@dataclass(frozen=True)
class Suggestion:
    code_id: int
    path: str
    score: float
    applied: bool  # the viewer has already coded the line with it
    nearest: str | None  # the most similar evidence line coded with it (segment id)
    nearest_text: str | None


@dataclass(frozen=True)
class LineSuggestions:
    segment_id: str
    text: str
    examples: int  # coded lines (line, code pairs) the ranking learned from
    suggestions: list[Suggestion]


def _definition(code) -> str:
    """What the codebook says a code is: definition, inclusion rule, examples, keywords."""
    return " ".join(part for part in [code.definition, code.inclusion, *code.examples, *(code.keywords or [])] if part)


def suggest_codes(session: Session, viewer: User, project: Project, segment_ids: Sequence[str], *,
                  k: int = 5) -> list[LineSuggestions]:
    """The ``k`` best codes for each segment, best first, from what ``viewer`` may see."""
    if k < 1:
        raise FgiError(_('ask for at least one suggestion (--k 1 or more)'))
    targets = lines_by_id(session, project, segment_ids)
    missing = [s for s in segment_ids if s not in targets]
    if missing:
        raise NotFound(_('no segment {missing} in project {name}', missing=repr(missing[0]), name=repr(project.name)),
                       hint=_('segment ids are listed by: fgi segments TRANSCRIPT'))
    codes = list_codes(session, project)
    if not codes:
        raise FgiError(_('project {name} has no codebook to suggest from', name=repr(project.name)),
                       hint=_('import one: fgi codebook import FILE --project {name}', name=repr(project.name)))
    paths = {c.path: c.id for c in codes}
    wanted = set(segment_ids)
    visible = codings_for(session, viewer, project=project)
    mine = {(c.segment_id, c.code_path) for c in visible if c.coder == viewer.name}
    pairs = sorted({(c.segment_id, c.code_path) for c in visible if c.segment_id not in wanted})
    evidence = lines_by_id(session, project, [s for s, _ in pairs])
    pairs = [(s, p) for s, p in pairs if s in evidence and p in paths]
    definitions = {c.path: _definition(c) for c in codes if _definition(c)}
    if not pairs and not definitions:
        raise FgiError(_('nothing to learn from: {name} sees no coded lines and no code has a definition', name=viewer.name),
                       hint=_('code some lines first, or add definitions to the codebook'))
    example_texts = [evidence[s].text for s, _ in pairs]
    tokens = keyword_tokens(session, example_texts, nouns=[evidence[s].nouns for s, _ in pairs])
    def_paths = sorted(definitions)
    def_tokens = dict(zip(def_paths, keyword_tokens(session, [definitions[p] for p in def_paths])))
    suggester = CodeSuggester().fit(example_texts, [p for _, p in pairs], definitions,
                                    tokens=tokens, definition_tokens=def_tokens)
    ids = list(dict.fromkeys(segment_ids))
    target_tokens = keyword_tokens(session, [targets[s].text for s in ids], nouns=[targets[s].nouns for s in ids])
    ranked = suggester.rank([targets[s].text for s in ids], top_k=k, tokens=target_tokens)
    nearest = _nearest_examples(suggester, target_tokens, pairs)
    out = []
    for row, segment_id, ranking in zip(range(len(ids)), ids, ranked):
        suggestions = []
        for path, score in ranking:
            near = nearest[row].get(path)
            suggestions.append(Suggestion(paths[path], path, round(score, 4), (segment_id, path) in mine,
                                          near, evidence[near].text if near else None))
        out.append(LineSuggestions(segment_id, targets[segment_id].text, len(pairs), suggestions))
    return out


def _nearest_examples(suggester: CodeSuggester, tokens: list[list[str]],
                      pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """For each target, the most similar example line of each code (similarity > 0)."""
    if not pairs:
        return [{} for _ in tokens]
    from sklearn.preprocessing import normalize

    Q = normalize(suggester.vectorizer_.transform([list(t) for t in tokens]))
    sims = np.asarray((Q @ suggester.examples_.T).todense())
    out = []
    for row in sims:
        best: dict[str, tuple[float, str]] = {}
        for (segment_id, path), sim in zip(pairs, row):
            if sim > 0 and (path not in best or sim > best[path][0]):
                best[path] = (float(sim), segment_id)
        out.append({path: segment_id for path, (_, segment_id) in best.items()})
    return out
