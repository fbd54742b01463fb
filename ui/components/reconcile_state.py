"""The 조정 page's UI state: one key holds the current line (the selectbox's key), so the
card and the selection can never disagree."""

from __future__ import annotations

from coding.reconcile_queue import LineItem

ITEM_KEY = "reconcile.item"  # the current line (segment id): the selectbox and the card
NEXT_KEY = "reconcile.next"  # the line to select on the next run (set after a save)
SHOWN_KEY = "reconcile.shown"  # {segment id: version} of the card shown in the last run
MESSAGE_KEY = "reconcile.message"


def next_open(items: list[LineItem], after: str) -> str | None:
    """The first open line after ``after`` in queue order, wrapping around; None when none is left."""
    ids = [i.segment_id for i in items]
    start = ids.index(after) + 1 if after in ids else 0
    for item in items[start:] + items[:start]:
        if item.is_open and item.segment_id != after:
            return item.segment_id
    return None
