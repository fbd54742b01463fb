"""Shaping the hierarchy by hand on the 주제 page: place codes (with a new sub-theme, theme
and domain made on the way), move evidence lines between sub-themes, pin and order
representative quotes, and the frequency rule. Every action goes through ``change``,
which runs the domain call in a transaction and reruns the hierarchy fragment only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from themes.export_table import speaker_tag
from themes.frequency import BASES, FrequencyRule
from themes.models import DOMAIN, SUBTHEME, THEME
from themes.quotes import move_quote, pin_quotes, unpin_quote
from themes.shaping import Where, move_lines, place_codes
from themes.tree import CodeLeaf, TreeNode
from themes.units import Line
from ui.components.forms import clear_form, field
from ui.components.theme_view import node_label
from ui.safe import literal, md
from ui.text import t

NEW, NONE = "__new__", "__none__"
PLACE = "themes.place"


def frequency_rule() -> FrequencyRule:
    """The rule chosen in the page's expander (the default until one is chosen)."""
    with st.expander(t("themes.freq.rule")):
        a, b, c = st.columns(3)
        basis = a.radio(t("themes.freq.basis"), BASES, format_func=lambda v: t(f"themes.freq.basis.{v}"),
                        key="themes.freq.basis", horizontal=True)
        missing = b.number_input(t("themes.freq.missing"), min_value=0, max_value=5, value=1,
                                 key="themes.freq.missing", help=t("themes.freq.missing.help"))
        share = c.slider(t("themes.freq.share"), min_value=0.1, max_value=1.0, value=0.5, step=0.05,
                         key="themes.freq.share")
        st.caption(t("themes.freq.explain"))
    return FrequencyRule(basis, int(missing), float(share))


def _code_label(leaf: CodeLeaf, where: str | None) -> str:
    counts = t("themes.place.counts", lines=leaf.lines, participants=leaf.participants)
    return f"{leaf.path} · {counts}" + (f" · {t('themes.place.now', node=where)}" if where else "")


def place_panel(nodes: Sequence[TreeNode], codes: Sequence[tuple[CodeLeaf, str | None]], change: Callable) -> None:
    """The code list (counts, search, placed or not) and where the chosen codes go."""
    by_id = {n.id: n for n in nodes}
    left, right = st.columns([3, 2])
    search = left.text_input(t("themes.place.search"), key="themes.place.search",
                             placeholder=t("themes.place.search.hint"))
    show_placed = right.toggle(t("themes.place.show_placed"), key="themes.place.show_placed")
    needle = search.strip().casefold()
    chosen_key = field(PLACE, "codes")
    chosen = set(st.session_state.get(chosen_key, []))
    shown = [(leaf, where) for leaf, where in codes
             if leaf.path in chosen or ((show_placed or where is None) and (not needle or needle in leaf.path.casefold()))]
    labels = {leaf.path: _code_label(leaf, where) for leaf, where in shown}
    picked = st.multiselect(t("themes.place.codes", n=len(shown)), list(labels), format_func=labels.get,
                            key=chosen_key, placeholder=t("themes.place.codes.hint") if shown else t("themes.place.empty"))
    subthemes = [n.id for n in nodes if n.level == SUBTHEME]
    themes_ = [n.id for n in nodes if n.level == THEME]
    domains = [n.id for n in nodes if n.level == DOMAIN]
    label = lambda i: node_label(by_id[i]) if i in by_id else t(f"themes.place.{i.strip('_')}")  # noqa: E731
    a, b, c = st.columns(3)
    target = a.selectbox(t("themes.place.subtheme"), [NEW, *subthemes], format_func=label,
                         key=field(PLACE, "subtheme"))
    new_sub = a.text_input(t("themes.place.new_subtheme"), key=field(PLACE, "new_subtheme"),
                           disabled=target != NEW, max_chars=200)
    remembered = st.session_state.get("themes.place.last_theme")
    theme_options = [NONE, NEW, *themes_]
    theme = b.selectbox(t("themes.place.theme"), theme_options, format_func=label, key=field(PLACE, "theme"),
                        index=theme_options.index(remembered) if remembered in theme_options else 1,
                        disabled=target != NEW)
    new_theme = b.text_input(t("themes.place.new_theme"), key=field(PLACE, "new_theme"),
                             disabled=target != NEW or theme != NEW, max_chars=200)
    remembered = st.session_state.get("themes.place.last_domain")
    domain_options = [NONE, NEW, *domains]
    domain = c.selectbox(t("themes.place.domain"), domain_options, format_func=label, key=field(PLACE, "domain"),
                         index=domain_options.index(remembered) if remembered in domain_options else 0,
                         disabled=target != NEW or theme != NEW)
    new_domain = c.text_input(t("themes.place.new_domain"), key=field(PLACE, "new_domain"),
                              disabled=target != NEW or theme != NEW or domain != NEW, max_chars=200)
    if st.button(t("themes.place.go", n=len(picked)), type="primary", disabled=not picked, key="themes.place.go"):
        def where(value, new_name):
            if value == NEW:
                return Where(new=new_name)
            return Where() if value == NONE else Where(id=value)

        def run(session, project, acting_user):
            if target != NEW:
                result = place_codes(session, project, picked, actor=acting_user, subtheme=Where(id=target))
            else:
                result = place_codes(session, project, picked, actor=acting_user, subtheme=Where(new=new_sub),
                                     theme=where(theme, new_theme),
                                     domain=where(domain, new_domain) if theme == NEW else Where())
                st.session_state["themes.place.after"] = result.node_id  # its theme is found on the next run
            clear_form(PLACE)
            return result
        change(run)


def remember_place(nodes: Sequence[TreeNode]) -> None:
    """After a placing with a new sub-theme, the next one defaults to its theme and domain."""
    placed = st.session_state.pop("themes.place.after", None)
    by_id = {n.id: n for n in nodes}
    if placed in by_id and by_id[placed].parent_id in by_id:
        theme = by_id[by_id[placed].parent_id]
        st.session_state["themes.place.last_theme"] = theme.id
        if theme.parent_id in by_id:
            st.session_state["themes.place.last_domain"] = theme.parent_id


def _line_label(line: Line) -> str:
    return f"({speaker_tag(line.speaker, line.group)}) {line.text[:90]}" + ("…" if len(line.text) > 90 else "")


def lines_panel(nodes: Sequence[TreeNode], evidence: Callable[[int], list[Line]], change: Callable) -> None:
    """Move evidence lines (lines a sub-theme holds from an accepted candidate) between sub-themes."""
    subthemes = [n for n in nodes if n.level == SUBTHEME]
    if len(subthemes) < 2:
        st.caption(t("themes.lines.need_two"))
        return
    by_id = {n.id: n for n in subthemes}
    label = lambda i: node_label(by_id[i])  # noqa: E731
    a, b = st.columns(2)
    source = a.selectbox(t("themes.lines.from"), list(by_id), format_func=label, key="themes.lines.from")
    target = b.selectbox(t("themes.lines.to"), [i for i in by_id if i != source], format_func=label,
                         key="themes.lines.to")
    held = evidence(source)
    if not held:
        st.caption(t("themes.lines.none"))
        return
    search = st.text_input(t("themes.quotes.search"), key="themes.lines.search").strip().casefold()
    options = {line.segment_id: _line_label(line) for line in held if not search or search in line.text.casefold()}
    picked = st.multiselect(t("themes.lines.pick", n=len(held)), list(options), format_func=options.get,
                            key=f"themes.lines.pick.{source}", placeholder=t("themes.lines.pick.hint"))
    if st.button(t("themes.lines.go", n=len(picked)), disabled=not picked or target is None, key="themes.lines.go"):
        change(lambda s, p, acting_user: move_lines(s, p, picked, source, target, actor=acting_user))


def quotes_panel(nodes: Sequence[TreeNode], lines_of: Callable[[int], list[Line]], change: Callable) -> None:
    """Pin lines of a node as its representative quotes; order and unpin them."""
    if not nodes:
        return
    by_id = {n.id: n for n in nodes}
    node_id = st.selectbox(t("themes.node"), list(by_id), format_func=lambda i: node_label(by_id[i]),
                           key="themes.quotes.node")
    node = by_id[node_id]
    lines = lines_of(node_id)
    by_line = {line.segment_id: line for line in lines}
    st.markdown(md("themes.quotes.pinned", n=len(node.pinned)))
    for i, segment_id in enumerate(node.pinned):
        line = by_line.get(segment_id)
        if line is None:
            continue
        text, up, down, remove = st.columns([12, 1, 1, 1])
        text.markdown(literal(f"{i + 1}. “{line.text}” ({speaker_tag(line.speaker, line.group)})"))
        if up.button("↑", key=f"themes.quotes.up.{node_id}.{segment_id}", disabled=i == 0, help=t("themes.quotes.up")):
            change(lambda s, p, acting_user, sid=segment_id: move_quote(s, p, node_id, sid, -1, actor=acting_user))
        if down.button("↓", key=f"themes.quotes.down.{node_id}.{segment_id}", disabled=i == len(node.pinned) - 1,
                       help=t("themes.quotes.down")):
            change(lambda s, p, acting_user, sid=segment_id: move_quote(s, p, node_id, sid, 1, actor=acting_user))
        if remove.button("✕", key=f"themes.quotes.unpin.{node_id}.{segment_id}", help=t("themes.quotes.unpin")):
            change(lambda s, p, acting_user, sid=segment_id: unpin_quote(s, p, node_id, sid, actor=acting_user))
    automatic = [q for q in node.quotes if q.segment_id not in node.pinned]
    if automatic:
        st.caption(t("themes.quotes.automatic"))
        for q in automatic:
            st.text(f"“{q.text}” ({speaker_tag(q.speaker, q.group)})")
    search = st.text_input(t("themes.quotes.search"), key=f"themes.quotes.search.{node_id}").strip().casefold()
    options = {line.segment_id: _line_label(line) for line in lines if line.segment_id not in node.pinned and (
        not search or search in line.text.casefold() or search in speaker_tag(line.speaker, line.group).casefold())}
    picked = st.multiselect(t("themes.quotes.pick", n=len(options)), list(options), format_func=options.get,
                            key=f"themes.quotes.pick.{node_id}", placeholder=t("themes.quotes.pick.hint"))
    if st.button(t("themes.quotes.pin", n=len(picked)), disabled=not picked, key="themes.quotes.pin"):
        change(lambda s, p, acting_user: pin_quotes(s, p, node_id, picked, actor=acting_user))


def memos_panel(nodes: Sequence[TreeNode], read: Callable[[int], list], run: Callable, me: str) -> None:
    """A node's memos (``coding.memos``, kind node): read, write, edit and delete.
    ``run(action, message_key)`` runs ``action(session, project, acting user)``."""
    from coding.memos import delete_memo, edit_memo, write_memo
    from coding.models import MEMO_NODE

    if not nodes:
        return
    by_id = {n.id: n for n in nodes}
    node_id = st.selectbox(t("themes.node"), list(by_id), format_func=lambda i: node_label(by_id[i]),
                           key="themes.memos.node")
    memos = read(node_id)
    if not memos:
        st.caption(t("themes.memos.none"))
    for memo in memos:
        with st.container(border=True):
            st.caption(md("themes.memos.by", author=memo.author or t("themes.memos.unknown"),
                          at=f"{memo.updated_at:%Y-%m-%d %H:%M}"))
            if memo.title:
                st.markdown(f"**{literal(memo.title)}**")
            st.text(memo.text)
            with st.expander(t("themes.memos.edit")):
                text = st.text_area(t("themes.memos.text"), value=memo.text, key=f"themes.memos.text.{memo.id}")
                save, remove = st.columns(2)
                if save.button(t("themes.memos.save"), key=f"themes.memos.save.{memo.id}"):
                    run(lambda s, p, acting_user, i=memo.id: edit_memo(s, i, actor=acting_user, text=text), "themes.memos.saved")
                if remove.button(t("themes.memos.delete"), key=f"themes.memos.delete.{memo.id}"):
                    run(lambda s, p, acting_user, i=memo.id: delete_memo(s, i, actor=acting_user), "themes.memos.deleted")
    form = f"themes.memos.new.{node_id}"
    with st.form(form):
        title = st.text_input(t("themes.memos.title"), key=field(form, "title"), max_chars=200)
        text = st.text_area(t("themes.memos.text"), key=field(form, "text"))
        if st.form_submit_button(t("themes.memos.write")) and text.strip():
            def write(session, project, acting_user):
                memo = write_memo(session, project, actor=acting_user, kind=MEMO_NODE, target=str(node_id), text=text,
                                  title=title.strip() or None)
                clear_form(form)
                return memo
            run(write, "themes.memos.written")
