"""A consistent copy of a SQLite database file, taken with SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` page by page; safe while others read and write."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
