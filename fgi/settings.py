"""Settings read from the environment, with defaults that work on a laptop.

| variable | meaning | default |
| --- | --- | --- |
| FGI_DATABASE_URL | SQLAlchemy URL of the database | sqlite:///fgi.db (in the working folder) |
| FGI_MORPHOLOGY | morphology backend: kiwi or okt | kiwi |
| FGI_EMBEDDER | embedder for theme proposals | kiwi-lsa |
| FGI_USER | who the CLI acts as when a command has no --as (proven by FGI_PASSWORD or fgi login) | the user of fgi login, else the login name |
| FGI_MAX_IMPORT_MB | largest transcript file accepted, in MB | 20 |
| FGI_DB_POOL_SIZE | PostgreSQL connections one process keeps (fgi.storage.engine) | 10 |
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    morphology: str
    embedder: str
    user: str
    max_import_bytes: int


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises a bare OSError/KeyError in containers without a passwd entry
        return "unknown"


def load_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("FGI_DATABASE_URL") or "sqlite:///fgi.db",
        morphology=env.get("FGI_MORPHOLOGY") or "kiwi",
        embedder=env.get("FGI_EMBEDDER") or "kiwi-lsa",
        user=env.get("FGI_USER") or _login_name(),
        max_import_bytes=int(float(env.get("FGI_MAX_IMPORT_MB") or 20) * 1024 * 1024),
    )
