"""A least-privileged PostgreSQL role for the app: read and write rows, change no schema.

The database URL the administrator holds (owner of the tables, runs ``fgi migrate``) is an
administrator's credential. The app, which every coder reaches, connects as a role that
may SELECT, INSERT, UPDATE and DELETE rows and use the id sequences, and nothing else: no
CREATE, ALTER or DROP. Default privileges give it the same rights on tables a later
migration adds (migrations run as the administrator).
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

from fgi.errors import FgiError
from fgi.i18n import _

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def app_role_statements(name: str, database: str, schema: str = "public") -> list[str]:
    """The GRANT statements that make ``name`` the app's role (it must exist)."""
    if not _ROLE.fullmatch(name):
        raise FgiError(_('{name} is not a usable role name', name=repr(name)), hint=_('lower-case letters, digits and _, e.g. fgi_app'))
    return [
        f'REVOKE ALL ON DATABASE "{database}" FROM {name}',
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {name}',
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA {schema} FROM {name}",
        f"GRANT USAGE ON SCHEMA {schema} TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {name}",
    ]


def make_app_role(engine: Engine, name: str, password: str) -> bool:
    """Create (or update) the app's login role with ``password``; True if it was created."""
    if engine.dialect.name != "postgresql":
        raise FgiError(_('only PostgreSQL has database roles'),
                       hint=_("a SQLite file is protected by its file permissions; keep it readable by the app's account only"))
    database = engine.url.database
    statements = app_role_statements(name, database)
    with engine.begin() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}) is not None
        # DDL takes no bound parameters: the name is checked against _ROLE above, the password
        # is quoted by the driver as a literal.
        from psycopg import sql

        verb = "ALTER" if exists else "CREATE"
        statement = sql.SQL(f"{verb} ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {{}}").format(
            sql.Literal(password))
        conn.exec_driver_sql(statement.as_string(conn.connection.driver_connection))
        for statement in statements:
            conn.execute(text(statement))
    return not exists
