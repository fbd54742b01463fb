"""The coding panel: a window of lines around the current one, the current line with its
codes, suggestions, memo and navigation. It is a fragment, so a coding click reruns only
the panel, and every write happens in a widget callback (before the panel is drawn)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from coding.applications import Coding, apply_code, codings_for, remove_code
from coding.keywords import accept_suggestion, reject_suggestion
from coding.models import SUGGESTION
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import SegmentRow
from ui.components import suggestions
from ui.components.reveal import error_text
from ui.components.tables import segment_table
from coding.code_paths import leaf_name
from ui.resources import database
from ui.safe import literal, md
from ui.text import t

WINDOW = 25  # lines shown before and after the current one
RECENT = 8
CURRENT_KEY = "coding.current_segment"  # the line the panel is showing now


@dataclass(frozen=True)
class Progress:
    coded: int
    total: int


def codable(row: SegmentRow) -> bool:
    """Lines a coder is expected to code: not back-channels, not the moderator's."""
    return not row.backchannel and not row.is_moderator


def progress(rows: Sequence[SegmentRow], coded_ids: set[str]) -> Progress:
    lines = [r for r in rows if codable(r)]
    return Progress(sum(r.id in coded_ids for r in lines), len(lines))


def next_uncoded(rows: Sequence[SegmentRow], coded_ids: set[str], position: int) -> int | None:
    for offset in range(1, len(rows) + 1):
        i = (position + offset) % len(rows)
        if codable(rows[i]) and rows[i].id not in coded_ids:
            return i
    return None


# ---- UI state -------------------------------------------------------------------------

def _pos_key(transcript_id: str) -> str:
    return f"coding.pos.{transcript_id}"


def _codes_key(segment_id: str) -> str:
    return f"coding.codes.{segment_id}"


def _set_position(transcript_id: str, position: int) -> None:
    st.session_state[_pos_key(transcript_id)] = position


def _remember(code_path: str) -> None:
    recent = [p for p in st.session_state.get("coding.recent", []) if p != code_path]
    st.session_state["coding.recent"] = [code_path, *recent][:RECENT]


def _report(error: FgiError) -> None:
    st.session_state["coding.error"] = (error_text(error), error.hint)


def _refresh_codes(session, user, segment_id: str) -> None:
    mine = codings_for(session, user, segment_ids=[segment_id], coder=user)
    st.session_state[_codes_key(segment_id)] = [c.code_path for c in mine]


# ---- callbacks: every write of the panel -------------------------------------------------

def _on_codes_changed(user_name: str, segment_id: str, before: list[str]) -> None:
    after = st.session_state.get(_codes_key(segment_id), [])
    try:
        with database().transaction() as session:
            user = get_user(session, user_name)
            for path in after:
                if path not in before:
                    apply_code(session, user, segment_id, path)
                    _remember(path)
            for path in before:
                if path not in after:
                    remove_code(session, user, segment_id, path)
    except FgiError as error:
        _report(error)
        st.session_state[_codes_key(segment_id)] = before


def _on_apply(user_name: str, segment_id: str, code: str | int, how: str = "manual") -> None:
    if st.session_state.get(CURRENT_KEY, segment_id) != segment_id:
        # A button drawn for the previous line, clicked while the panel was already showing
        # the next one (a slow rerun): the code would land on a line the coder no longer sees.
        st.session_state["coding.error"] = (t("coding.stale_click"), None)
        return
    try:
        with database().transaction() as session:
            user = get_user(session, user_name)
            if how == "keyword":
                coding = accept_suggestion(session, user, segment_id, code)
            else:
                coding = apply_code(session, user, segment_id, code,
                                    source=SUGGESTION if how == "suggestion" else "manual")
            _remember(coding.code_path)
            _refresh_codes(session, user, segment_id)
    except FgiError as error:
        _report(error)


def _on_reject(user_name: str, segment_id: str, code_id: int) -> None:
    try:
        with database().transaction() as session:
            reject_suggestion(session, get_user(session, user_name), segment_id, code_id)
        st.session_state.setdefault("coding.rejected", set()).add((segment_id, code_id))
    except FgiError as error:
        _report(error)


def _on_memo(user_name: str, segment_id: str, paths: list[str]) -> None:
    memo = st.session_state.get(f"coding.memo.{segment_id}", "")
    try:
        with database().transaction() as session:
            user = get_user(session, user_name)
            for path in paths:
                apply_code(session, user, segment_id, path, memo=memo)
        st.session_state["coding.notice"] = t("coding.memo.saved")
    except FgiError as error:
        _report(error)


def _on_goto(transcript_id: str, rows: Sequence[SegmentRow], position: int) -> None:
    key = f"coding.goto.{transcript_id}"
    wanted = st.session_state.get(key)
    if wanted is not None:
        _set_position(transcript_id, next((i for i, r in enumerate(rows) if r.line >= wanted), position))
        st.session_state[key] = None


def _on_window_select(transcript_id: str, key: str, start: int) -> None:
    rows = st.session_state[key].selection.rows
    if rows:
        _set_position(transcript_id, start + rows[0])


# ---- the panel ----------------------------------------------------------------------------

def _codes_by_segment(codings: Sequence[Coding], me: str) -> tuple[dict[str, list[Coding]], dict[str, list[Coding]]]:
    mine: dict[str, list[Coding]] = {}
    others: dict[str, list[Coding]] = {}
    for c in codings:
        (mine if c.coder == me else others).setdefault(c.segment_id, []).append(c)
    return mine, others


@st.fragment
def coding_panel(project_name: str, transcript_id: str, user_name: str) -> None:
    rows = suggestions.segments(transcript_id)
    if not rows:
        st.info(t("coding.no_lines"))
        return
    codebook = suggestions.codes(project_name)
    paths = [c.path for c in codebook]
    with database().reading() as session:
        user = get_user(session, user_name)
        visible = codings_for(session, user, transcript_id=transcript_id)
    mine, others = _codes_by_segment(visible, user_name)
    coded_ids = set(mine)

    key = _pos_key(transcript_id)
    if key not in st.session_state:
        start = next_uncoded(rows, coded_ids, -1)
        st.session_state[key] = start if start is not None else 0
    position = min(max(0, st.session_state[key]), len(rows) - 1)
    row = rows[position]

    done = progress(rows, coded_ids)
    st.progress(done.coded / done.total if done.total else 0.0,
                text=md("coding.progress", coded=done.coded, total=done.total))
    if error := st.session_state.pop("coding.error", None):
        st.error(literal(error[0]), icon=":material/error:")
        if error[1]:
            st.text(error[1])
    if notice := st.session_state.pop("coding.notice", None):
        st.toast(literal(notice))

    left, right = st.columns([3, 2], gap="medium")
    with left:
        start, end = max(0, position - WINDOW), min(len(rows), position + WINDOW + 1)
        window = rows[start:end]
        lead = {t("coding.col.current"): {row.id: "▶"}}
        lead[t("coding.col.mine")] = {sid: ", ".join(leaf_name(c.code_path) for c in cs) for sid, cs in mine.items()}
        if others:
            lead[t("coding.col.others")] = {
                sid: "; ".join(f"{c.coder}: {c.code_path}" for c in cs) for sid, cs in others.items()}
        table_key = f"coding.window.{transcript_id}.{position}"
        st.caption(md("coding.window", first=window[0].line, last=window[-1].line, total=len(rows)))
        segment_table(window, height=min(560, 35 * (len(window) + 1) + 3), key=table_key, lead=lead, compact=True,
                      on_select=lambda: _on_window_select(transcript_id, table_key, start))
    with right:
        _current_line(project_name, transcript_id, user_name, rows, position, row, paths,
                      mine.get(row.id, []), others.get(row.id, []), coded_ids, codebook)


def _current_line(project_name, transcript_id, user_name, rows, position, row, paths, mine, others,
                  coded_ids, codebook) -> None:
    st.session_state[CURRENT_KEY] = row.id
    with st.container(border=True, key="coding-current"):
        st.caption(md("coding.line_head", line=row.line, speaker=row.participant or row.speaker or "-",
                     time=row.timestamp or "-"))
        st.text(row.text)
    my_paths = [c.code_path for c in mine]
    codes_key = _codes_key(row.id)
    if codes_key not in st.session_state or set(st.session_state[codes_key]) != set(my_paths):
        st.session_state[codes_key] = my_paths
    st.multiselect(t("coding.codes"), paths, key=codes_key, placeholder=t("coding.codes.placeholder"),
                   on_change=_on_codes_changed, args=(user_name, row.id, my_paths))
    with st.container(key="coding-saved"):
        st.text(t("coding.saved", codes=", ".join(my_paths) if my_paths else t("coding.none")))
    if others:
        st.text(t("coding.others", codes="; ".join(f"{c.coder}: {c.code_path}" for c in others)))

    recent = [p for p in st.session_state.get("coding.recent", []) if p in paths and p not in my_paths]
    if recent:
        st.caption(t("coding.recent"))
        with st.container(horizontal=True, key="coding-recent"):
            for path in recent:
                st.button(literal(leaf_name(path), one_line=True), key=f"coding.recent.{path}",
                          help=literal(path), on_click=_on_apply, args=(user_name, row.id, path))

    _suggestion_rows(project_name, transcript_id, user_name, row, my_paths, codebook)

    if mine:
        memo = next((c.memo for c in mine if c.memo), "") or ""
        st.text_area(t("coding.memo"), memo, key=f"coding.memo.{row.id}", height=80)
        st.button(t("coding.memo.save"), key=f"coding.memo.save.{row.id}", on_click=_on_memo,
                  args=(user_name, row.id, my_paths))
    else:
        st.caption(t("coding.memo.first"))

    with st.container(horizontal=True, key="coding-nav"):
        st.button(t("coding.prev"), key="coding.prev", shortcut="Alt+Up", icon=":material/arrow_upward:",
                  on_click=_set_position, args=(transcript_id, max(0, position - 1)))
        st.button(t("coding.next"), key="coding.next", shortcut="Alt+Down", icon=":material/arrow_downward:",
                  on_click=_set_position, args=(transcript_id, min(len(rows) - 1, position + 1)))
        following = next_uncoded(rows, coded_ids | {row.id} if my_paths else coded_ids, position)
        st.button(t("coding.next_uncoded"), key="coding.next_uncoded", shortcut="Alt+N", type="primary",
                  icon=":material/skip_next:", disabled=following is None,
                  on_click=_set_position, args=(transcript_id, following if following is not None else position))
    st.number_input(t("coding.goto"), min_value=1, max_value=rows[-1].line, value=None, step=1,
                    key=f"coding.goto.{transcript_id}", on_change=_on_goto, args=(transcript_id, rows, position))


def _suggestion_rows(project_name, transcript_id, user_name, row, my_paths, codebook) -> None:
    codebook_key = tuple((c.id, tuple(c.keywords)) for c in codebook if c.keywords)
    rejected = st.session_state.get("coding.rejected", set())
    keyword = [s for s in suggestions.keyword_suggestions(project_name, transcript_id, user_name, codebook_key)
               .get(row.id, []) if s.code_path not in my_paths and (row.id, s.code_id) not in rejected]
    similar = suggestions.code_suggestions(project_name, user_name, row.id,
                                           set(my_paths) | {s.code_path for s in keyword})
    if not keyword and not similar:
        return
    with st.container(border=True, key="coding-suggestions"):
        for s in keyword:
            text, accept, reject = st.columns([6, 1, 1], vertical_alignment="center")
            text.text(t("coding.keyword_suggestion", code=s.code_path, keywords=", ".join(s.keywords)))
            accept.button(t("coding.accept"), key=f"coding.kw.accept.{row.id}.{s.code_id}", icon=":material/check:",
                          on_click=_on_apply,
                          args=(user_name, row.id, s.code_id, "keyword"))
            reject.button(t("coding.reject"), key=f"coding.kw.reject.{row.id}.{s.code_id}", icon=":material/close:",
                          on_click=_on_reject, args=(user_name, row.id, s.code_id))
        for s in similar:
            text, accept = st.columns([6, 1], vertical_alignment="center")
            text.text(t("coding.code_suggestion", code=s.path, score=s.score))
            if s.nearest_text:
                text.caption(literal(t("coding.because", text=s.nearest_text[:60]), one_line=True))
            accept.button(t("coding.accept"), key=f"coding.sim.accept.{row.id}.{s.code_id}", icon=":material/check:",
                          on_click=_on_apply, args=(user_name, row.id, s.code_id, "suggestion"))
