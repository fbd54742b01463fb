"""A REFI-QDA project as plain data: what ``project.qde`` says, without XML or a database.

The exporter builds a ``RefiProject`` from the database (``coding.refi.collect``) and
writes it (``coding.refi.export``); the importer parses one (``coding.refi.parse``) and
stores it (``coding.refi.import_``). Offsets are code points into ``RefiSource.text``,
end-exclusive, exactly as ``Segment.start``/``end``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

GUID_NAMESPACE = uuid.UUID("0b7c8d3e-5f1a-4e2b-9c6d-7a8e9f0a1b2c")  # this toolkit's REFI entities
# The user the consensus codings are attributed to: only written when the project has a
# consensus layer (a lead's reconciliation decisions). Named so that a researcher who opens
# the file in another program sees what it is; the older name is still read as consensus.
CONSENSUS_USER = "합의(조정 결과)"
LEGACY_CONSENSUS_USERS = frozenset({"(consensus)"})


def is_consensus_user(name: str | None) -> bool:
    return name == CONSENSUS_USER or name in LEGACY_CONSENSUS_USERS

# A folder's level is written as a last line of its <Description>: ``수준: 하위주제``.
LEVEL_LABEL = "수준"
LEVEL_NAMES = {"domain": "영역", "theme": "주제", "subtheme": "하위주제"}
# A code placed under a sub-theme leaves its codebook parent; its <Description> ends with
# ``상위 코드: 참여주민의 변화`` so an import can put it back there.
PARENT_LABEL = "상위 코드"


def with_parent_line(description: str, parent_path: str) -> str:
    return "\n\n".join(part for part in (description.strip(), f"{PARENT_LABEL}: {parent_path}") if part)


def split_parent_line(description: str) -> tuple[str, str | None]:
    """(description, codebook parent path) from a code description ``with_parent_line`` wrote."""
    lines = description.strip().split("\n")
    label, colon, value = lines[-1].partition(":")
    if colon and label.strip() == PARENT_LABEL and value.strip():
        return "\n".join(lines[:-1]).strip(), value.strip()
    return description, None


# A case's <Description> names the speaker label it has in the (pseudonymised) text.
SPEAKER_LABEL = "화자"


def folder_description(memo: str, level: str | None) -> str:
    line = f"{LEVEL_LABEL}: {LEVEL_NAMES[level]}" if level in LEVEL_NAMES else ""
    return "\n\n".join(part for part in (memo.strip(), line) if part)


def split_folder_description(text: str) -> tuple[str, str | None]:
    """(memo, level) from a folder description; level None when no level line is there."""
    lines = text.strip().split("\n")
    label, _, value = lines[-1].partition(":") if lines else ("", "", "")
    levels = {name: level for level, name in LEVEL_NAMES.items()}
    if label.strip() == LEVEL_LABEL and value.strip() in levels:
        return "\n".join(lines[:-1]).strip(), levels[value.strip()]
    return text.strip(), None


_GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}")


def is_guid(text: str) -> bool:
    """What the REFI-QDA schema accepts as a GUID (with or without braces)."""
    return bool(_GUID.fullmatch(text))


def selection_name(text: str) -> str:
    """A selection is named by the text it selects, whitespace runs as one space (as QualCoder
    writes it, so a reader can check each selection against the text it finds there)."""
    return " ".join(text.split())


def stable_guid(project_key: str | int, kind: str, key: str | int) -> str:
    """The same GUID for the same entity of the same project in every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"fgi-{kind}:{project_key}:{key}"))


@dataclass(frozen=True)
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCode:
    """A ``<Code>``: a codable code, or (``codable=False``) a folder such as a theme."""

    guid: str
    name: str
    codable: bool = True
    description: str = ""
    color: str | None = None
    children: list[RefiCode] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)  # its <NoteRef>s


@dataclass(frozen=True)
class RefiCoding:
    code_guid: str
    user_guid: str | None


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    codings: list[RefiCoding] = field(default_factory=list)
    name: str | None = None
    description: str = ""  # the selection's <Description>: a coding memo (ours, QualCoder), a comment (ATLAS.ti, MAXQDA)
    note_guids: list[str] = field(default_factory=list)  # its <NoteRef>s (a line memo)
    position: tuple[int, int] | None = None  # startPosition/endPosition as the file wrote them
    user_guid: str | None = None  # creatingUser: the coder (exports write one coding per selection)
    created: datetime | None = None  # creationDateTime
    modified: datetime | None = None  # modifiedDateTime


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    selections: list[RefiSelection] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # e.g. group
    description: str = ""  # only with original names asked for: the imported file name and author
    note_guids: list[str] = field(default_factory=list)  # its <NoteRef>s
    convention: str = "codepoint"  # how the file counted its positions (coding.refi.positions)
    raw_text: str = field(default="", repr=False)  # the text as the archive holds it (notes point into it)


@dataclass(frozen=True)
class RefiLink:
    """A ``<Link>`` from a note to what it is about, where that has no ``<NoteRef>`` (a case)."""

    guid: str
    name: str
    origin_guid: str
    target_guid: str


@dataclass
class RefiCase:
    """A participant: a pseudonym, variables such as ``group``, and the sources they speak in."""

    guid: str
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    source_guids: list[str] = field(default_factory=list)
    label: str | None = None  # how the speaker is labelled in the source text (already pseudonymised)

    @property
    def description(self) -> str:
        return f"{SPEAKER_LABEL}: {self.label}" if self.label else ""

    note_guids: list[str] = field(default_factory=list)

    @staticmethod
    def label_in(description: str) -> str | None:
        label, colon, value = description.strip().partition(":")
        return value.strip() or None if colon and label.strip() == SPEAKER_LABEL and "\n" not in value else None


@dataclass
class RefiNote:
    """A ``<Note>``: a memo with its text, author and, in QualCoder's annotations, a span of
    the source that refers to it (positions as the file wrote them)."""

    guid: str
    name: str
    text: str
    user_guid: str | None = None
    position: tuple[int, int] | None = None
    created: datetime | None = None  # exports: creationDateTime, modifiedDateTime
    modified: datetime | None = None
    inline: bool = False  # exports: <PlainTextContent> instead of a file in sources/ (plainTextPath)


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    code_guids: list[str] = field(default_factory=list)
    source_guids: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)  # top-level nodes of the tree
    sources: list[RefiSource] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    description: str = ""
    origin: str = "fgi-toolkit"
    notes: list[RefiNote] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)  # the project's own <NoteRef>s

    def walk_codes(self) -> list[tuple[RefiCode, tuple[RefiCode, ...]]]:
        """Every node with its ancestors, parents first."""
        found: list[tuple[RefiCode, tuple[RefiCode, ...]]] = []

        def walk(nodes: list[RefiCode], ancestors: tuple[RefiCode, ...]) -> None:
            for node in nodes:
                found.append((node, ancestors))
                walk(node.children, ancestors + (node,))

        walk(self.codes, ())
        return found


@dataclass
class Folder:
    """A non-codable node above the codes, e.g. a domain, theme or sub-theme.

    ``key`` identifies it within its project (for a stable GUID); ``code_ids`` are the
    codes placed directly under it."""

    key: str
    name: str
    level: str | None = None  # domain, theme, subtheme (None: unknown, from another tool)
    description: str = ""
    children: list[Folder] = field(default_factory=list)
    code_ids: list[int] = field(default_factory=list)


OUR_ORIGIN = "fgi-toolkit"


def is_ours(origin: str) -> bool:
    """Did this toolkit write the file? (Then non-codable codes are its theme hierarchy.)"""
    return origin.strip().lower().startswith(OUR_ORIGIN)
