"""The Streamlit app: a frame (page config, login, role-aware navigation). Pages live in
ui/pages/ and call the domain packages; they hold no SQL.

    FGI_DATABASE_URL=sqlite:///demo.db streamlit run app.py
"""

from __future__ import annotations

import streamlit as st

from ui.auth import current_user, keep_cookie, login_page, sidebar_user
from ui.context import project_picker
from ui.components.uploads import korean_uploaders
from ui.navigation import sections_for
from ui.text import t, use_app_language

use_app_language()  # the domain's messages follow the app's language
st.set_page_config(page_title=t("app.title"), page_icon=":material/forum:", layout="wide")
korean_uploaders()

user = current_user()
if user is None:
    st.navigation([st.Page(login_page, title=t("page.login"), icon=":material/login:", url_path="login")]).run()
    st.stop()

sidebar_user(user)
keep_cookie()
project_picker(user)
st.navigation(sections_for(user), expanded=True).run()  # expanded: no English "View more" link
