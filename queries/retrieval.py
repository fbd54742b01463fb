"""Retrieval: the coded lines of one or more codes, combined with AND / OR / NOT.

A query is ``any_of`` (at least one: OR), ``all_of`` (every one: AND) and ``none_of``
(none: AND NOT), so "자신감 회복 AND NOT 취업과 자격 취득" is
``CodeQuery(any_of=("자신감 회복",), none_of=("취업과 자격 취득",))``. With
``descendants`` a code stands for itself and every code below it. A line "has" a code when
a coding of it is one the viewer may see (blind coding: ``codings_for``'s rule, in SQL) by a
coder in the filters' scope. Each result line carries the codes of the query found on it and
who applied them, and, on demand, the lines around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.codebook import list_codes
from coding.models import CodeApplication, User
from coding.permissions import require
from fgi.errors import FgiError, NotFound
from fgi.i18n import _
from fgi.models import Project
from queries.filters import Filters, resolve, visible_codings
from queries.lines import LineInfo, context_lines, read_lines


@dataclass(frozen=True)
class CodeQuery:
    any_of: tuple[str, ...]  # code paths (or unique names): OR
    all_of: tuple[str, ...] = ()  # AND
    none_of: tuple[str, ...] = ()  # AND NOT
    descendants: bool = False

    @property
    def positive(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.any_of + self.all_of))

    def describe(self) -> str:
        """``A OR B AND C AND NOT D`` in the query's own words."""
        text = " OR ".join(self.any_of)
        text += "".join(f" AND {c}" for c in self.all_of)
        return text + "".join(f" AND NOT {c}" for c in self.none_of)


@dataclass(frozen=True)
class CodeOnLine:
    path: str  # the code applied (a descendant of the asked code, with descendants)
    asked: str  # the query's code it answers
    coders: tuple[str, ...]


@dataclass(frozen=True)
class RetrievedLine:
    line: LineInfo
    codes: tuple[CodeOnLine, ...]
    before: tuple[LineInfo, ...] = ()
    after: tuple[LineInfo, ...] = ()

    @property
    def coders(self) -> tuple[str, ...]:
        return tuple(sorted({c for code in self.codes for c in code.coders}))


@dataclass
class Retrieval:
    query: CodeQuery
    lines: list[RetrievedLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # asked code -> result lines having it

    def by_code(self) -> dict[str, list[RetrievedLine]]:
        """The result lines under each positive code of the query (a line may be under several)."""
        groups: dict[str, list[RetrievedLine]] = {c: [] for c in self.counts}
        for item in self.lines:
            for asked in dict.fromkeys(c.asked for c in item.codes):
                groups.setdefault(asked, []).append(item)
        return groups


def _expand(session: Session, project: Project, query: CodeQuery) -> dict[str, dict[int, str]]:
    """Each code of the query (by the path the user gave) -> the code ids it stands for -> path."""
    codes = list_codes(session, project)
    by_path = {c.path: c for c in codes}
    children: dict[int | None, list] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c)
    expanded: dict[str, dict[int, str]] = {}
    for asked in dict.fromkeys(query.any_of + query.all_of + query.none_of):
        code = by_path.get(asked.strip().strip("/"))
        if code is None:
            named = [c for c in codes if c.name == asked.strip()]
            if len(named) != 1:
                hint = (_("several codes have this name; give the path: {paths}",
                          paths=", ".join(c.path for c in named)) if named
                        else _("see the codebook: fgi codebook show --project {project}", project=project.name))
                raise NotFound(_("no code {code} in project {project}", code=asked, project=project.name), hint=hint)
            code = named[0]
        ids = {code.id: code.path}
        if query.descendants:
            stack = [code.id]
            while stack:
                for child in children.get(stack.pop(), []):
                    ids[child.id] = child.path
                    stack.append(child.id)
        expanded[asked] = ids
    return expanded


def retrieve(session: Session, project: Project, query: CodeQuery, *, viewer: User,
             filters: Filters | None = None, context: int = 0) -> Retrieval:
    """The lines answering ``query`` that ``viewer`` may see coded, in reading order, with
    ``context`` lines before and after each."""
    if not query.any_of and not query.all_of:
        raise FgiError(_("say which code to retrieve"), hint=_("give at least one code (fgi retrieve --code PATH)"))
    if context < 0 or context > 20:
        raise FgiError(_("context must be between 0 and 20 lines, not {n}", n=context))
    require(session, viewer, "codings.read.own", project)
    scope = resolve(session, project, filters)
    expanded = _expand(session, project, query)
    code_ids = {i for ids in expanded.values() for i in ids}
    rows = session.execute(
        visible_codings(session, viewer, project, scope, CodeApplication.segment_id, CodeApplication.code_id,
                        User.name)
        .join(User, User.id == CodeApplication.coder_id)
        .where(CodeApplication.code_id.in_(sorted(code_ids)))).all()
    on_line: dict[str, dict[int, set[str]]] = {}
    for segment_id, code_id, coder in rows:
        on_line.setdefault(segment_id, {}).setdefault(code_id, set()).add(coder)

    def having(asked: str) -> set[str]:
        ids = expanded[asked]
        return {s for s, codes in on_line.items() if any(i in codes for i in ids)}

    matched: set[str] = set()
    for asked in query.any_of:
        matched |= having(asked)
    if not query.any_of:
        matched = set(on_line)
    for asked in query.all_of:
        matched &= having(asked)
    for asked in query.none_of:
        matched -= having(asked)
    infos = read_lines(session, matched)
    around = context_lines(session, infos, context)
    result = Retrieval(query, counts={asked: 0 for asked in query.positive})
    for info in infos:
        found = []
        for asked in query.positive:
            for code_id, path in expanded[asked].items():
                coders = on_line[info.segment_id].get(code_id)
                if coders:
                    found.append(CodeOnLine(path, asked, tuple(sorted(coders))))
        for asked in dict.fromkeys(c.asked for c in found):
            result.counts[asked] += 1
        before, after = around.get(info.segment_id, ([], []))
        result.lines.append(RetrievedLine(info, tuple(found), tuple(before), tuple(after)))
    return result


