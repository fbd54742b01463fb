"""Run QualCoder's own REFI-QDA project importer (``qualcoder/refi.py``) headless on a ``.qdpx``
and read back what it stored, so a test can check what a QualCoder user would get.

QualCoder is not on PyPI: point ``FGI_QUALCODER_SRC`` at the ``src`` folder of a QualCoder
checkout (the folder holding ``qualcoder/refi.py``); PyQt6 must be installed. Nothing of
QualCoder is copied here: its project schema is read from its own ``__main__.py`` (the
``CREATE TABLE`` statements of ``new_project``), its importer is called as QualCoder calls
it, with the file dialogs and the final message box left out (``Message`` is replaced by a
recorder, Qt runs on the ``offscreen`` platform).
"""

from __future__ import annotations

import ast
import os
import sqlite3
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_VARIABLE = "FGI_QUALCODER_SRC"


def qualcoder_source() -> Path | None:
    """The QualCoder ``src`` folder, or None when it is not configured or not there."""
    folder = os.environ.get(SOURCE_VARIABLE, "").strip()
    if not folder or not (Path(folder) / "qualcoder" / "refi.py").is_file():
        return None
    return Path(folder)


def missing_reason() -> str | None:
    """Why the QualCoder round trip cannot run here, or None when it can."""
    if qualcoder_source() is None:
        return (f"QualCoder's source is not here: set {SOURCE_VARIABLE} to the src folder of a QualCoder "
                "checkout (QualCoder is not on PyPI)")
    try:
        import PyQt6.QtWidgets  # noqa: F401
    except ImportError:
        return "PyQt6 is not installed (QualCoder's importer needs it: pip install PyQt6)"
    return None


def create_tables(main_py: Path) -> list[str]:
    """The ``CREATE TABLE`` statements QualCoder's ``new_project`` executes, from its source."""
    tree = ast.parse(main_py.read_text(encoding="utf-8"))
    function = next(node for node in ast.walk(tree)
                    if isinstance(node, ast.FunctionDef) and node.name == "new_project")
    statements = []
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and node.args[0].value.lstrip().upper().startswith("CREATE TABLE")):
            statements.append(node.args[0].value)
    return statements


@dataclass
class QualCoderProject:
    log: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    codes: dict[int, tuple[str, int | None, int | None, str]] = field(default_factory=dict)  # cid: name, catid, supercid, memo
    categories: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # catid: name, supercatid
    sources: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id: name, fulltext, memo
    codings: list[tuple[str, str, int, int, str, str, str]] = field(default_factory=list)  # source, code, pos0, pos1, owner, seltext, memo
    annotations: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # source, pos0, pos1, memo, owner
    journals: list[tuple[str, str, str]] = field(default_factory=list)  # name, text, owner
    project_memo: str = ""

    def code_path(self, cid: int) -> str:
        name, catid, supercid, _memo = self.codes[cid]
        if supercid is not None:
            return f"{self.code_path(supercid)}/{name}"
        parts = [name]
        while catid is not None:
            category, catid = self.categories[catid]
            parts.append(category)
        return "/".join(reversed(parts))


class _Log:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def append(self, text: str) -> None:
        self.lines.append(str(text))


def import_with_qualcoder(qdpx: Path, workdir: Path) -> QualCoderProject:
    """Import ``qdpx`` into a new QualCoder project database under ``workdir``; what it holds."""
    source = qualcoder_source()
    assert source is not None, missing_reason()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6 import QtWidgets

    application = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["fgi-test"])
    result = QualCoderProject()
    if str(source) not in sys.path:
        sys.path.insert(0, str(source))
    # QualCoder's helpers module pulls in its media player and PDF stack; the importer only
    # uses its Message box, which would wait for a click: record the text instead.
    helpers = types.ModuleType("qualcoder.helpers")

    class Message:
        def __init__(self, _app, title, text, *_args, **_kwargs) -> None:
            result.messages.append(f"{title}: {text}")

        def exec(self) -> int:
            return 0

    helpers.Message = Message
    sys.modules["qualcoder.helpers"] = helpers
    import qualcoder.refi as refi

    project_path = workdir / "qualcoder-project.qda"
    (project_path / "documents").mkdir(parents=True)
    connection = sqlite3.connect(project_path / "data.qda")
    for statement in create_tables(source / "qualcoder" / "__main__.py"):
        connection.execute(statement)
    connection.execute("insert into project (databaseversion, date, memo, about) values ('v8', '', '', '')")
    connection.commit()
    app = types.SimpleNamespace(
        conn=connection, project_path=str(project_path), project_events=None, ai_models=[],
        settings={"codername": "default", "directory": str(workdir), "ai_enable": "False"},
        write_config_ini=lambda *args: None)
    importer = refi.RefiImport.__new__(refi.RefiImport)
    importer.__dict__.update(
        app=app, parent_textedit=_Log(result.log), import_type="qdpx", file_path=str(qdpx), folder_name="",
        sources_name="/Sources", file_vars=[], annotations=[], links=[], tree=None, codes=[], users=[], cases=[],
        sources=[], source_name_prefix=0, variables=[], xml=None, base_path="", software_name="",
        xmlns_version="1.0", pd=None, pd_value=0)
    importer.import_project()
    del application

    names = {}
    for sid, name, fulltext, memo in connection.execute("select id, name, fulltext, ifnull(memo, '') from source"):
        result.sources[sid] = (name, fulltext, memo)
        names[sid] = name
    for catid, name, supercatid in connection.execute("select catid, name, supercatid from code_cat"):
        result.categories[catid] = (name, supercatid)
    for cid, name, catid, supercid, memo in connection.execute(
            "select cid, name, catid, supercid, ifnull(memo, '') from code_name"):
        result.codes[cid] = (name, catid, supercid, memo)
    for fid, cid, pos0, pos1, owner, seltext, memo in connection.execute(
            "select fid, cid, pos0, pos1, owner, seltext, ifnull(memo, '') from code_text"):
        result.codings.append((names[fid], result.code_path(cid) if cid in result.codes else "",
                               pos0, pos1, owner, seltext, memo))
    for fid, pos0, pos1, memo, owner in connection.execute("select fid, pos0, pos1, memo, owner from annotation"):
        result.annotations.append((names.get(fid, ""), pos0, pos1, memo or "", owner))
    result.journals = list(connection.execute("select name, jentry, owner from journal"))
    result.project_memo = connection.execute("select ifnull(memo, '') from project").fetchone()[0]
    connection.close()
    return result
