"""The coding panel: the transcript as a document on the left (every line wrapped, codes as
stripes and chips in the codebook's colours, the current line highlighted and kept in view),
and on the right the current line, or the selected range of lines, with its codes,
suggestions, memo, undo and redo, and navigation. It is a fragment, so a coding click reruns
only the panel, and every write happens in a widget callback (before the panel is drawn).

Every apply and remove goes through ``coding.undo.apply_codes`` / ``remove_codes`` and is
pushed as one undo step (a range coded at once is one step)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import streamlit as st

from coding.applications import Coding, codings_for
from coding.code_paths import leaf_name
from coding.keywords import reject_suggestion
from coding.models import KEYWORD, MANUAL, SUGGESTION
from coding.undo import apply_codes, describe, memo_action, remove_codes
from coding.users import get_user
from fgi.errors import FgiError
from fgi.study import SegmentRow, get_project
from ui.components import suggestions
from ui.components import undo as undo_stack
from ui.components.reveal import error_text
from ui.components.transcript_document import document_data, picked, transcript_document
from ui.resources import database
from ui.safe import literal, md
from ui.text import t, use_app_language

RECENT = 8
CURRENT_KEY = "coding.current_segment"  # what the panel is showing now: a line id, or "first..last"
GOTO_KEY = "coding.goto"  # the jump contract: a segment id to open, select and scroll to
RANGE_LIMIT = 500  # lines coded in one action, at most


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


def parse_range(text: str, rows: Sequence[SegmentRow]) -> tuple[int, int] | None:
    """"10-14" (or "10~14", "10 14", "14-10") as the indexes of the first and last line;
    None when it is not two line numbers of the transcript."""
    numbers = re.findall(r"\d+", text or "")
    if len(numbers) == 1:
        numbers *= 2
    if len(numbers) != 2:
        return None
    first, last = sorted(int(n) for n in numbers)
    index = {r.line: i for i, r in enumerate(rows)}
    if first not in index or last not in index:
        return None
    return index[first], index[last]


# ---- UI state -------------------------------------------------------------------------

def _pos_key(transcript_id: str) -> str:
    return f"coding.pos.{transcript_id}"


def _anchor_key(transcript_id: str) -> str:
    return f"coding.anchor.{transcript_id}"


def _scroll_key(transcript_id: str) -> str:
    return f"coding.scroll.{transcript_id}"


def _seq_key(transcript_id: str) -> str:
    return f"coding.seq.{transcript_id}"


def _codes_key(segment_id: str) -> str:
    return f"coding.codes.{segment_id}"


def _set_position(transcript_id: str, position: int, anchor: int | None = None, *, scroll: bool = False) -> None:
    """Make ``position`` the current line; ``anchor`` the other end of a selected range."""
    st.session_state[_pos_key(transcript_id)] = position
    st.session_state[_anchor_key(transcript_id)] = anchor
    if scroll:
        st.session_state[_scroll_key(transcript_id)] = st.session_state.get(_scroll_key(transcript_id), 0) + 1


def _selection(transcript_id: str, position: int, count: int) -> tuple[int, int]:
    anchor = st.session_state.get(_anchor_key(transcript_id))
    if anchor is None or not 0 <= anchor < count:
        return position, position
    return min(anchor, position), max(anchor, position)


def open_segment(rows: Sequence[SegmentRow], transcript_id: str, segment_id: str) -> bool:
    """Select ``segment_id`` of this transcript and scroll to it (the jump contract)."""
    index = next((i for i, r in enumerate(rows) if r.id == segment_id), None)
    if index is None:
        return False
    _set_position(transcript_id, index, scroll=True)
    return True


def _remember(code_path: str) -> None:
    recent = [p for p in st.session_state.get("coding.recent", []) if p != code_path]
    st.session_state["coding.recent"] = [code_path, *recent][:RECENT]


def _report(error: FgiError) -> None:
    st.session_state["coding.error"] = (error_text(error), error.hint)


def _refresh_codes(session, user, segment_id: str) -> None:
    mine = codings_for(session, user, segment_ids=[segment_id], coder=user)
    st.session_state[_codes_key(segment_id)] = [c.code_path for c in mine]


def _language() -> None:
    """Domain messages (the undo labels) in the app's language."""
    use_app_language()


def _push(session, actions) -> None:
    _language()
    undo_stack.push(actions, describe(session, actions))


# ---- callbacks: every write of the panel -------------------------------------------------

def _on_codes_changed(user_name: str, segment_id: str, before: list[str]) -> None:
    after = st.session_state.get(_codes_key(segment_id), [])
    try:
        with database().transaction() as session:
            user = get_user(session, user_name)
            actions = []
            for path in after:
                if path not in before:
                    actions += apply_codes(session, user, [segment_id], path)
                    _remember(path)
            for path in before:
                if path not in after:
                    actions += remove_codes(session, user, [segment_id], path)
            _push(session, actions)
    except FgiError as error:
        _report(error)
        st.session_state[_codes_key(segment_id)] = before


def _stale(drawn_for: str) -> bool:
    if st.session_state.get(CURRENT_KEY, drawn_for) != drawn_for:
        # A button drawn for the previous line, clicked while the panel was already showing
        # the next one (a slow rerun): the code would land on a line the coder no longer sees.
        st.session_state["coding.error"] = (t("coding.stale_click"), None)
        return True
    return False


def _on_apply(user_name: str, segment_ids: tuple[str, ...], code: str | int, how: str = MANUAL,
              drawn_for: str | None = None) -> None:
    if _stale(drawn_for or segment_ids[0]):
        return
    source = {"keyword": KEYWORD, "suggestion": SUGGESTION}.get(how, MANUAL)
    try:
        with database().transaction() as session:
            user = get_user(session, user_name)
            actions = apply_codes(session, user, segment_ids, code, source=source)
            path = _code_path(session, code, segment_ids[0])
            _remember(path)
            _push(session, actions)
            if len(segment_ids) == 1:
                _refresh_codes(session, user, segment_ids[0])
    except FgiError as error:
        _report(error)


def _on_remove(user_name: str, segment_ids: tuple[str, ...], code: str | int, drawn_for: str) -> None:
    if _stale(drawn_for):
        return
    try:
        with database().transaction() as session:
            actions = remove_codes(session, get_user(session, user_name), segment_ids, code)
            _push(session, actions)
    except FgiError as error:
        _report(error)


def _on_range_code(user_name: str, segment_ids: tuple[str, ...], drawn_for: str, remove: bool) -> None:
    path = st.session_state.get("coding.range.code")
    if not path:
        st.session_state["coding.error"] = (t("coding.range.pick_code"), None)
        return
    if remove:
        _on_remove(user_name, segment_ids, path, drawn_for)
    else:
        _on_apply(user_name, segment_ids, path, MANUAL, drawn_for)


def _code_path(session, code: str | int, segment_id: str) -> str:
    from coding.applications import get_segment, resolve_code
    from coding.codebook import code_path
    from fgi.models import Project

    transcript = get_segment(session, segment_id)[1]
    return code_path(session, resolve_code(session, session.get(Project, transcript.project_id), code))


def _on_reject(user_name: str, segment_id: str, code_id: int) -> None:
    try:
        with database().transaction() as session:
            reject_suggestion(session, get_user(session, user_name), segment_id, code_id)
        st.session_state.setdefault("coding.rejected", set()).add((segment_id, code_id))
    except FgiError as error:
        _report(error)


def _on_memo_new(user_name: str, project_name: str, segment_id: str) -> None:
    from coding.memos import write_memo
    from fgi.study import get_project

    key = f"coding.memo.new.{segment_id}"
    text = st.session_state.get(key) or ""
    _language()
    try:
        with database().transaction() as session:
            memo = write_memo(session, get_project(session, project_name), actor=get_user(session, user_name),
                              kind="segment", target=segment_id, text=text)
            _push(session, [memo_action(segment_id, None, memo)])
        st.session_state[key] = ""
        st.session_state["coding.notice"] = t("coding.memo.saved")
    except FgiError as error:
        _report(error)


def _on_memo_edit(user_name: str, memo_id: int, segment_id: str, key: str) -> None:
    from coding.memos import edit_memo, get_memo

    _language()
    try:
        with database().transaction() as session:
            acting_user = get_user(session, user_name)
            before = get_memo(session, memo_id, viewer=acting_user)
            after = edit_memo(session, memo_id, actor=acting_user, text=st.session_state.get(key))
            if after != before:
                _push(session, [memo_action(segment_id, before, after)])
        st.session_state["coding.notice"] = t("coding.memo.saved")
    except FgiError as error:
        _report(error)


def _on_memo_delete(user_name: str, memo_id: int, segment_id: str) -> None:
    from coding.memos import delete_memo, get_memo

    _language()
    try:
        with database().transaction() as session:
            acting_user = get_user(session, user_name)
            before = get_memo(session, memo_id, viewer=acting_user)
            delete_memo(session, memo_id, actor=acting_user)
            _push(session, [memo_action(segment_id, before, None)])
        st.session_state["coding.notice"] = t("coding.memo.deleted")
    except FgiError as error:
        _report(error)


def _on_goto(transcript_id: str, rows: Sequence[SegmentRow], position: int) -> None:
    key = f"coding.goto.{transcript_id}"
    wanted = st.session_state.get(key)
    if wanted is not None:
        _set_position(transcript_id, next((i for i, r in enumerate(rows) if r.line >= wanted), position),
                      scroll=True)
        st.session_state[key] = None


def _on_range_text(transcript_id: str, rows: Sequence[SegmentRow]) -> None:
    key = f"coding.range.{transcript_id}"
    text = st.session_state.get(key) or ""
    if not text.strip():
        return
    found = parse_range(text, rows)
    if found is None:
        st.session_state["coding.error"] = (t("coding.range.bad", text=text, first=rows[0].line,
                                              last=rows[-1].line), None)
        return
    first, last = found
    if last - first + 1 > RANGE_LIMIT:
        st.session_state["coding.error"] = (t("coding.range.too_long", limit=RANGE_LIMIT), None)
        return
    _set_position(transcript_id, last, first, scroll=True)
    st.session_state[key] = ""


def _on_pick(transcript_id: str, rows: Sequence[SegmentRow], key: str) -> None:
    pick = picked(key)
    if pick is None:
        return
    index = {r.id: i for i, r in enumerate(rows)}
    if pick.segment_id not in index:
        return
    position = index[pick.segment_id]
    anchor = index.get(pick.anchor_id, position)
    if abs(position - anchor) + 1 > RANGE_LIMIT:
        anchor = position + RANGE_LIMIT - 1 if anchor > position else position - RANGE_LIMIT + 1
    _set_position(transcript_id, position, anchor if anchor != position else None)
    st.session_state[_seq_key(transcript_id)] = pick.seq


def _after_undo(transcript_id: str, rows: Sequence[SegmentRow], step) -> None:
    """Show the line an undo or redo changed, when it is in this transcript."""
    ids = {a.segment_id for a in step.actions}
    lines = [i for i, r in enumerate(rows) if r.id in ids]
    if lines:
        _set_position(transcript_id, lines[-1], lines[0] if len(lines) > 1 else None, scroll=True)


# ---- the panel ----------------------------------------------------------------------------

def _codes_by_segment(codings: Sequence[Coding], me: str) -> tuple[dict[str, list[Coding]], dict[str, list[Coding]]]:
    mine: dict[str, list[Coding]] = {}
    others: dict[str, list[Coding]] = {}
    for c in codings:
        (mine if c.coder == me else others).setdefault(c.segment_id, []).append(c)
    return mine, others


@st.cache_data(ttl=120, show_spinner=False, max_entries=50)
def _speaker_groups(project_name: str, transcript_id: str) -> tuple[dict[str, str], str | None]:
    """Each participant's group (pseudonym -> group) and the transcript's group."""
    from fgi.models import Transcript
    from fgi.study import get_project, list_participants

    with database().reading() as session:
        project = get_project(session, project_name)
        groups = {p.pseudonym: p.group for p in list_participants(session, project) if p.group}
        transcript = session.get(Transcript, transcript_id)
        return groups, transcript.group if transcript is not None else None


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
        memo_lines = _memo_lines(session, get_project(session, project_name), user, transcript_id)
    mine, others = _codes_by_segment(visible, user_name)
    coded_ids = set(mine)

    key = _pos_key(transcript_id)
    if key not in st.session_state:
        start = next_uncoded(rows, coded_ids, -1)
        _set_position(transcript_id, start if start is not None else 0, scroll=True)
    position = min(max(0, st.session_state[key]), len(rows) - 1)
    first, last = _selection(transcript_id, position, len(rows))
    row = rows[position]
    groups, transcript_group = _speaker_groups(project_name, transcript_id)

    done = progress(rows, coded_ids)
    top, tools = st.columns([3, 2], vertical_alignment="bottom")
    top.progress(done.coded / done.total if done.total else 0.0,
                 text=md("coding.progress", coded=done.coded, total=done.total))
    with tools:
        undo_stack.undo_buttons(user_name, key="coding.undo",
                                on_done=partial(_after_undo, transcript_id, rows))
    undo_stack.undo_feedback()
    if error := st.session_state.pop("coding.error", None):
        st.error(literal(error[0]), icon=":material/error:")
        if error[1]:
            st.text(error[1])
    if notice := st.session_state.pop("coding.notice", None):
        st.toast(literal(notice))

    left, right = st.columns([3, 2], gap="medium")
    with left:
        doc_key = f"coding.document.{transcript_id}"
        data = document_data(
            rows, codebook, mine, others, transcript_id=transcript_id, groups=groups,
            fallback_group=transcript_group, current=position,
            anchor=st.session_state.get(_anchor_key(transcript_id)) if first != last else position,
            scroll=st.session_state.get(_scroll_key(transcript_id), 0),
            seq=st.session_state.get(_seq_key(transcript_id), 0), memo_lines=memo_lines)
        with st.container(key="coding-document"):
            transcript_document(data, key=doc_key, on_pick=partial(_on_pick, transcript_id, rows, doc_key))
    with right:
        if first != last:
            _range_panel(user_name, transcript_id, rows, first, last, paths, mine)
            _navigation(transcript_id, rows, position, row, coded_ids, mine.get(row.id, []))
        else:
            _current_line(project_name, transcript_id, user_name, rows, position, row, paths,
                          mine.get(row.id, []), others.get(row.id, []), coded_ids, codebook,
                          groups.get(row.participant or "", transcript_group) if row.participant else None)


def _current_line(project_name, transcript_id, user_name, rows, position, row, paths, mine, others,
                  coded_ids, codebook, group) -> None:
    st.session_state[CURRENT_KEY] = row.id
    with st.container(border=True, key="coding-current"):
        speaker = f"{row.participant or row.speaker or '-'}" + (f" ({group})" if group else "")
        st.caption(md("coding.line_head", line=row.line, speaker=speaker, time=row.timestamp) if row.timestamp
                   else md("coding.line_head.no_time", line=row.line, speaker=speaker))
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

    _recent_buttons(user_name, (row.id,), row.id, paths, my_paths)
    _suggestion_rows(project_name, transcript_id, user_name, row, my_paths, codebook)
    _navigation(transcript_id, rows, position, row, coded_ids, mine)

    _line_memos(project_name, user_name, row.id)


def _memo_lines(session, project, user, transcript_id: str) -> set[str]:
    """The lines of the transcript with a memo the user may see (for the document's marks)."""
    from coding.memos import memos_for

    return {m.target for m in memos_for(session, project, viewer=user, kind="segment", transcript_id=transcript_id)}


def _line_memos(project_name: str, user_name: str, segment_id: str) -> None:
    """The line's memos (the coder's own, and others' where blind coding allows), each its
    author's to edit or delete (a lead's too), and a box for a new one. A memo belongs to the
    line, not to a coding: removing a code leaves it."""
    from coding.memos import memos_for
    from fgi.study import get_project

    with database().reading() as session:
        me = get_user(session, user_name)
        memos = memos_for(session, get_project(session, project_name), viewer=me, kind="segment",
                          target=segment_id)
        my_id, lead = me.id, me.is_lead
    with st.container(key="coding-memos"):
        st.caption(t("coding.memos", count=len(memos)))
        for memo in memos:
            with st.container(border=True, key=f"coding-memo-{memo.id}"):
                st.caption(md("coding.memo.by", author=memo.author or t("coding.memo.unknown"),
                              at=f"{memo.updated_at.astimezone():%Y-%m-%d %H:%M}"))
                if memo.author_id == my_id or lead:
                    # keyed by the memo's version: after an undo the box shows the memo as it is now
                    key = f"coding.memo.edit.{memo.id}.{memo.updated_at.timestamp():.6f}"
                    st.text_area(t("coding.memo"), memo.text, key=key, height=68, label_visibility="collapsed")
                    with st.container(horizontal=True):
                        st.button(t("coding.memo.update"), key=f"coding.memo.update.{memo.id}",
                                  icon=":material/save:", on_click=_on_memo_edit,
                                  args=(user_name, memo.id, segment_id, key))
                        st.button(t("coding.memo.delete"), key=f"coding.memo.delete.{memo.id}",
                                  icon=":material/delete:", on_click=_on_memo_delete,
                                  args=(user_name, memo.id, segment_id))
                else:
                    st.text(memo.text)
        st.text_area(t("coding.memo.new"), key=f"coding.memo.new.{segment_id}", height=68,
                     placeholder=t("coding.memo.placeholder"))
        st.button(t("coding.memo.save"), key=f"coding.memo.save.{segment_id}", icon=":material/note_add:",
                  on_click=_on_memo_new, args=(user_name, project_name, segment_id))


def _range_panel(user_name, transcript_id, rows, first, last, paths, mine) -> None:
    """Several consecutive lines selected: code them all in one action (one undo step)."""
    ids = tuple(r.id for r in rows[first:last + 1])
    token = f"{ids[0]}..{ids[-1]}"
    st.session_state[CURRENT_KEY] = token
    with st.container(border=True, key="coding-range"):
        st.caption(md("coding.range.head", first=rows[first].line, last=rows[last].line, count=len(ids)))
        counts: dict[str, int] = {}
        for sid in ids:
            for c in mine.get(sid, []):
                counts[c.code_path] = counts.get(c.code_path, 0) + 1
        st.text(t("coding.range.codes", codes=", ".join(f"{p} ({n}/{len(ids)})" for p, n in counts.items())
                  if counts else t("coding.none")))
    st.selectbox(t("coding.range.code"), paths, index=None, key="coding.range.code",
                 placeholder=t("coding.codes.placeholder"))
    with st.container(horizontal=True, key="coding-range-actions"):
        st.button(t("coding.range.apply", count=len(ids)), key="coding.range.apply", type="primary",
                  icon=":material/add:", on_click=_on_range_code, args=(user_name, ids, token, False))
        st.button(t("coding.range.remove", count=len(ids)), key="coding.range.remove",
                  icon=":material/remove:", on_click=_on_range_code, args=(user_name, ids, token, True))
        st.button(t("coding.range.clear"), key="coding.range.clear", icon=":material/close:",
                  on_click=_set_position, args=(transcript_id, last))
    _recent_buttons(user_name, ids, token, paths, [])


def _recent_buttons(user_name, segment_ids, token, paths, my_paths) -> None:
    recent = [p for p in st.session_state.get("coding.recent", []) if p in paths and p not in my_paths]
    if not recent:
        return
    st.caption(t("coding.recent") if len(segment_ids) == 1 else t("coding.range.recent", count=len(segment_ids)))
    with st.container(horizontal=True, key="coding-recent"):
        for path in recent:
            st.button(literal(leaf_name(path), one_line=True), key=f"coding.recent.{path}",
                      help=literal(path), on_click=_on_apply, args=(user_name, segment_ids, path, MANUAL, token))


def _navigation(transcript_id, rows, position, row, coded_ids, mine) -> None:
    with st.container(horizontal=True, key="coding-nav"):
        st.button(t("coding.prev"), key="coding.prev", shortcut="Alt+Up", icon=":material/arrow_upward:",
                  on_click=_set_position, args=(transcript_id, max(0, position - 1)))
        st.button(t("coding.next"), key="coding.next", shortcut="Alt+Down", icon=":material/arrow_downward:",
                  on_click=_set_position, args=(transcript_id, min(len(rows) - 1, position + 1)))
        following = next_uncoded(rows, coded_ids | {row.id} if mine else coded_ids, position)
        st.button(t("coding.next_uncoded"), key="coding.next_uncoded", shortcut="Alt+N", type="primary",
                  icon=":material/skip_next:", disabled=following is None,
                  on_click=_set_position, args=(transcript_id, following if following is not None else position))
    goto, span = st.columns(2)
    goto.number_input(t("coding.goto"), min_value=1, max_value=rows[-1].line, value=None, step=1,
                      key=f"coding.goto.{transcript_id}", on_change=_on_goto, args=(transcript_id, rows, position))
    span.text_input(t("coding.range"), key=f"coding.range.{transcript_id}", placeholder=t("coding.range.placeholder"),
                    on_change=_on_range_text, args=(transcript_id, rows))


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
                          args=(user_name, (row.id,), s.code_id, "keyword"))
            reject.button(t("coding.reject"), key=f"coding.kw.reject.{row.id}.{s.code_id}", icon=":material/close:",
                          on_click=_on_reject, args=(user_name, row.id, s.code_id))
        for s in similar:
            text, accept = st.columns([6, 1], vertical_alignment="center")
            text.text(t("coding.code_suggestion", code=s.path, score=s.score))
            if s.nearest_text:
                text.caption(literal(t("coding.because", text=s.nearest_text[:60]), one_line=True))
            accept.button(t("coding.accept"), key=f"coding.sim.accept.{row.id}.{s.code_id}", icon=":material/check:",
                          on_click=_on_apply, args=(user_name, (row.id,), s.code_id, "suggestion"))
