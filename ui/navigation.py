"""Which pages a role sees, in which sections. Coders do not see 조정, 주제 or 팀."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.auth import SessionUser
from ui.text import t

PAGES = Path(__file__).parent / "pages"

# (section, file, title key, icon, leads only)
PAGE_TABLE = [
    ("nav.study", "projects.py", "page.projects", ":material/folder_open:", False),
    ("nav.study", "transcripts.py", "page.transcripts", ":material/description:", False),
    ("nav.coding", "codebook.py", "page.codebook", ":material/account_tree:", False),
    ("nav.coding", "coding.py", "page.coding", ":material/edit_note:", False),
    ("nav.coding", "agreement.py", "page.agreement", ":material/grid_on:", False),
    ("nav.coding", "reconcile.py", "page.reconcile", ":material/balance:", True),
    ("nav.coding", "rounds.py", "page.rounds", ":material/timeline:", False),
    ("nav.analysis", "matrices.py", "page.matrices", ":material/grid_view:", False),
    ("nav.analysis", "themes.py", "page.themes", ":material/bubble_chart:", True),
    ("nav.analysis", "export.py", "page.export", ":material/download:", False),
    ("nav.admin", "team.py", "page.team", ":material/group:", True),
    ("nav.analysis", "search.py", "page.search", ":material/search:", False),
    ("nav.analysis", "retrieve.py", "page.retrieve", ":material/manage_search:", False),
]


def page_files(user: SessionUser) -> list[str]:
    return [f for _, f, _, _, lead_only in PAGE_TABLE if (PAGES / f).exists() and (user.is_lead or not lead_only)]


def sections_for(user: SessionUser) -> dict[str, list[st.Page]]:
    allowed = set(page_files(user))
    sections: dict[str, list[st.Page]] = {}
    for section, file, title, icon, _ in PAGE_TABLE:
        if file in allowed:
            sections.setdefault(t(section), []).append(
                st.Page(PAGES / file, title=t(title), icon=icon, default=file == "projects.py"))
    return sections
