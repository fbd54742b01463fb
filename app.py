"""The Streamlit app: page config and navigation. Pages live in ui/pages/.

    FGI_DATABASE_URL=sqlite:///demo.db streamlit run app.py
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.text import t

PAGES = Path(__file__).parent / "ui" / "pages"

st.set_page_config(page_title=t("app.title"), page_icon=":material/forum:", layout="wide")
navigation = st.navigation(
    {
        t("nav.study"): [
            st.Page(PAGES / "projects.py", title=t("page.projects"), icon=":material/folder_open:", default=True),
            st.Page(PAGES / "transcripts.py", title=t("page.transcripts"), icon=":material/description:"),
        ],
    }
)
navigation.run()
