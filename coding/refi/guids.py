"""REFI-QDA GUIDs that stay with the objects.

A code, transcript, user, code set or memo imported from a REFI-QDA file keeps the GUID it
had there (``guid`` columns, migrations ``0009_memos`` and ``0010_refi``). One made here gets
its GUID once: ``keep_guids`` stores, for every object of the project still without one, the
GUID exports have written for it so far (derived from the project and the object's id), so
earlier exports stay valid and later ones cannot drift (a renamed user keeps theirs).
``guid_of_*`` read the stored GUID, or the same derived one where none is stored yet, so an
export read in a read-only session says exactly what a stored one will say.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.models import Code, CodeSet, Memo, User
from coding.qdc import code_guid
from coding.refi.data import stable_guid
from coding.users import project_members
from fgi.models import Event, Project, Transcript


def guid_of_code(code: Code) -> str:
    return code.guid or code_guid(code.project_id, code.id)


def guid_of_transcript(transcript: Transcript) -> str:
    return transcript.guid or stable_guid(transcript.project_id, "source", transcript.id)


def guid_of_user(user: User) -> str:
    """Users are shared by projects: one GUID per user, not per project."""
    return user.guid or stable_guid("users", "user", user.id)


def guid_of_set(project_id: int, set_id: int, guid: str | None) -> str:
    return guid or stable_guid(project_id, "set", set_id)


def guid_of_memo(memo: Memo) -> str:
    return memo.guid or stable_guid(memo.project_id, "memo", memo.id)


def keep_guids(session: Session, project: Project, *, actor: User | str, user_names: list[str] = ()) -> int:
    """Store the GUID of every object of ``project`` (its codes, transcripts, code sets and
    memos, its members and the users named) that has none yet; the number stored. One
    event says how many of each kind."""
    stored: dict[str, int] = {}

    def keep(kind: str, rows, guid_of) -> None:
        for row in rows:
            if not row.guid:
                row.guid = guid_of(row)
                stored[kind] = stored.get(kind, 0) + 1

    keep("codes", session.scalars(select(Code).where(Code.project_id == project.id)), guid_of_code)
    keep("transcripts", session.scalars(select(Transcript).where(Transcript.project_id == project.id)),
         guid_of_transcript)
    keep("code_sets", session.scalars(select(CodeSet).where(CodeSet.project_id == project.id)),
         lambda row: guid_of_set(row.project_id, row.id, None))
    keep("memos", session.scalars(select(Memo).where(Memo.project_id == project.id)), guid_of_memo)
    named = set(session.scalars(select(User).where(User.name.in_(list(user_names))))) if user_names else set()
    keep("users", sorted(set(project_members(session, project)) | named, key=lambda u: u.id), guid_of_user)
    if stored:
        session.flush()
        Event.record(session, actor=actor.name if isinstance(actor, User) else actor, kind="refi.keep_guids",
                     project_id=project.id, subject=str(project.id), payload={"after": stored})
    return sum(stored.values())
