"""A fingerprint of every table: row counts and a checksum of the rows.

Used to prove that a refused import changed nothing, and that a restored backup holds
exactly what was backed up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Engine, MetaData, select


def _normal(value: object) -> str:
    if isinstance(value, datetime):  # SQLite and PostgreSQL print timestamps differently
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, bool):
        return str(int(value))
    return repr(value)


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256 of the sorted rows)}`` for every table but alembic's."""
    metadata = MetaData()
    metadata.reflect(engine)
    result: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name == "alembic_version":
                continue
            rows = sorted("\x1f".join(_normal(v) for v in row) for row in connection.execute(select(table)))
            digest = hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()
            result[name] = (len(rows), digest)
    return result
