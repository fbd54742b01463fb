"""Tables of user text. ``st.dataframe`` shows cell values as text, so a line containing
``<script>`` or ``**markdown**`` stays literal."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from fgi.study import SegmentRow
from ui.text import t


def segment_rows(rows: Sequence[SegmentRow], extra: dict[str, dict[str, str]] | None = None, *,
                 compact: bool = False, lead: dict[str, dict[str, str]] | None = None) -> list[dict]:
    """Rows for a segment table. ``lead`` / ``extra`` add columns before / after the text,
    by segment id ({column: {id: value}}); ``compact`` leaves out time, label and back-channel."""
    extra, lead = extra or {}, lead or {}
    out = []
    for r in rows:
        row = {column: values.get(r.id, "") for column, values in lead.items()}
        row[t("col.line")] = r.line
        if not compact:
            row[t("col.time")] = r.timestamp or ""  # empty, not None, where the file had no times
            row[t("col.speaker")] = r.speaker
        row[t("col.participant")] = r.participant or r.speaker
        row[t("col.text")] = r.text
        row.update({column: values.get(r.id, "") for column, values in extra.items()})
        if not compact:
            row[t("col.backchannel")] = r.backchannel
        out.append(row)
    return out


def segment_table(rows: Sequence[SegmentRow], *, height: int | str = "auto", key: str | None = None,
                  extra: dict[str, dict[str, str]] | None = None, lead: dict[str, dict[str, str]] | None = None,
                  compact: bool = False, on_select=None):
    """The lines as a read-only table (single-row selection when ``on_select`` is given)."""
    options = {}
    if on_select is not None:
        options = {"on_select": on_select, "selection_mode": "single-row"}
    return st.dataframe(
        segment_rows(rows, extra, compact=compact, lead=lead), hide_index=True, width="stretch", height=height,
        key=key, column_config={
            t("col.text"): st.column_config.TextColumn(width="large"),
            t("col.line"): st.column_config.NumberColumn(width="small"),
            **{column: st.column_config.TextColumn(width="small" if len(column) <= 1 else "medium")
               for column in (lead or {})},
        }, **options,
    )
