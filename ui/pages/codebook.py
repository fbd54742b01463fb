"""코드북: the code tree with definitions, criteria, examples and colours; leads add, edit,
move and delete codes and import codebook files; everyone can download it."""

from __future__ import annotations

import streamlit as st

from coding.codebook import counted_codes
from coding.codebook_io import export_codebook
from fgi.study import get_project
from ui.components import codebook_forms, memo_forms
from ui.components.codes import code_tree_table
from ui.components.files import download, written_bytes
from ui.context import acting, offers
from ui.resources import database
from ui.safe import literal
from ui.text import t

db = database()
st.header(t("page.codebook"))

with db.reading() as session:
    me, project = acting(session)
    codes = counted_codes(session, project, viewer=me)  # counts as blind coding lets me see them
    project_name = project.name
    may_edit = offers(session, me, "codebook.edit", project)

if codes:
    code_tree_table(codes)
    by_path = {c.path: c for c in codes}
    chosen = st.selectbox(t("codebook.detail"), list(by_path), key="codebook.detail")
    code = by_path[chosen]
    with st.container(border=True, key="codebook-detail"):
        for label, value in [
            (t("codebook.field.definition"), code.definition), (t("codebook.field.inclusion"), code.inclusion),
            (t("codebook.field.exclusion"), code.exclusion),
            (t("codebook.field.examples"), "\n".join(f"· {e}" for e in code.examples)),
            (t("codebook.field.keywords"), ", ".join(code.keywords)),
            (t("codebook.field.color"), code.color), (t("codebook.field.codings"), str(code.codings)),
        ]:
            if value:
                st.markdown(f"**{literal(label)}**")
                st.text(value)
    memo_forms.code_memos(db, me.name, project_name, code.id)
else:
    st.info(t("codebook.empty"), icon=":material/info:")

if may_edit:
    codebook_forms.editor(db, me, project_name, codes)

st.subheader(t("codebook.download"))


def _codebook_bytes(fmt: str, filename: str) -> bytes:
    with db.reading() as session:
        project = get_project(session, project_name)
        return written_bytes(lambda path: export_codebook(session, project, path, fmt), filename)


columns = st.columns(4)
for column, fmt in zip(columns, ["yaml", "csv", "xlsx", "qdc"]):
    filename = f"codebook.{fmt}"
    with column:
        download(literal(filename), filename, lambda fmt=fmt, filename=filename: _codebook_bytes(fmt, filename),
                 key=f"codebook.download.{fmt}")
