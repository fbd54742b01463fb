"""메모: every memo of the project the user may see (another coder's memos on lines stay
hidden until reveal), searched and filtered by kind, author, code and transcript; writing a
memo on the project, a transcript, a participant, a code, a line or a theme node; changing
and deleting one's own memos (a lead: any)."""

from __future__ import annotations

import streamlit as st

from coding.codebook import list_codes
from coding.memos import describe_targets, memos_for, target_choices
from coding.models import MEMO_KINDS, MEMO_SEGMENT
from fgi.study import list_transcripts
from ui.components import memo_forms
from ui.context import acting
from ui.resources import database
from ui.safe import literal
from ui.text import t, use_app_language

db = database()
use_app_language()
st.header(t("page.memos"))
st.caption(t("memos.intro"))

ANY = ""

with db.reading() as session:
    me, project = acting(session)
    project_name, user_name, lead = project.name, me.name, me.is_lead
    transcripts = {tr.id: tr.name for tr in list_transcripts(session, project)}
    codes = {c.id: c.path for c in list_codes(session, project)}
    every = memos_for(session, project, viewer=me)
    authors = sorted({m.author for m in every if m.author})

if message := st.session_state.pop("memos.message", None):
    st.success(literal(message), icon=":material/check:")

with st.container(border=True, key="memos-filters"):
    search = st.text_input(t("memos.search"), key="memos.search", placeholder=t("memos.search.hint"))
    kind_col, author_col, code_col, transcript_col = st.columns(4)
    kind = kind_col.selectbox(t("memos.kind"), [ANY, *MEMO_KINDS], key="memos.filter.kind",
                              format_func=lambda k: t(f"memos.kind.{k}") if k else t("memos.any"))
    author = author_col.selectbox(t("memos.author"), [ANY, *authors], key="memos.filter.author",
                                  format_func=lambda a: a or t("memos.any"))
    code_id = code_col.selectbox(t("memos.code"), [None, *codes], key="memos.filter.code",
                                 format_func=lambda c: codes[c] if c else t("memos.any"))
    transcript_id = transcript_col.selectbox(t("memos.transcript"), [None, *transcripts],
                                             key="memos.filter.transcript",
                                             format_func=lambda i: transcripts[i] if i else t("memos.any"))

with db.reading() as session:
    me, project = acting(session)
    shown = memos_for(session, project, viewer=me, kind=kind or None, author=author or None, search=search or None,
                      code_id=code_id, transcript_id=transcript_id)
    about = describe_targets(session, project, shown)

st.caption(t("memos.count", shown=len(shown), total=len(every)))
if shown:
    memo_forms.memo_table(shown, about)
    chosen = memo_forms.pick(shown, about)
    if chosen is not None:
        memo_forms.show_memo(chosen, about[chosen.id])
        if chosen.kind == MEMO_SEGMENT:
            memo_forms.open_line_button(chosen.target)
        if lead or chosen.author_id == me.id:
            memo_forms.edit_form(db, user_name, chosen)
elif every:
    st.info(t("memos.none_match"), icon=":material/filter_alt_off:")
else:
    st.info(t("memos.none"), icon=":material/info:")

st.subheader(t("memos.new"))
new_kind = st.selectbox(t("memos.kind"), list(MEMO_KINDS), key="memos.new.kind",
                        format_func=lambda k: t(f"memos.kind.{k}"))
line_transcript = None
if new_kind == MEMO_SEGMENT and transcripts:
    line_transcript = st.selectbox(t("memos.transcript"), list(transcripts), key="memos.new.transcript",
                                   format_func=lambda i: transcripts[i])
with db.reading() as session:
    me, project = acting(session)
    choices = dict(target_choices(session, project, new_kind, transcript_id=line_transcript, viewer=me))
memo_forms.new_form(db, user_name, project_name, new_kind, choices)
