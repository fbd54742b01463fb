"""No export carries what pseudonymisation replaced; the export commands as a user runs them."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree
from sqlalchemy import select

from coding.errors import PermissionDenied
from coding.refi.cli import import_archive, register_refi
from coding.users import create_user
from fgi.cli import app, main
from fgi.console import reset_database
from fgi.models import PseudonymKey
from tests.exports.conftest import LEAD, PASSWORD, PROJECT, REAL_NAMES
from themes.cli_export import register_export


def _ensure_export_commands() -> None:
    """Register the export commands unless coding.cli / themes.cli already did."""
    group = next((g.typer_instance for g in app.registered_groups if g.name == "export"), None)
    have = {c.name for c in group.registered_commands} if group is not None else set()
    if "qdpx" not in have:
        register_refi(app)
    if "themes" not in have:
        register_export(app)


@pytest.fixture
def fgi(database_url, study, monkeypatch, tmp_path, capsys):
    _ensure_export_commands()
    monkeypatch.setenv("FGI_DATABASE_URL", database_url)
    monkeypatch.setenv("FGI_USER", LEAD)
    monkeypatch.setenv("FGI_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)

    def run(*args: str, ok: bool = True) -> tuple[int, str]:
        code = main(list(args))
        _, err = capsys.readouterr()
        if ok:
            assert code == 0, err
        return code, err

    yield run
    reset_database()


def _member_text(name: str, data: bytes) -> str:
    """XML parts parsed (openpyxl writes Korean as character references), text as is."""
    if name.endswith((".xml", ".rels", ".qde")):
        root = etree.fromstring(data)
        return "\n".join([*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())])
    return data.decode("utf-8", "ignore")


def _all_text(path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(_member_text(n, archive.read(n)) for n in archive.namelist())
    return path.read_bytes().decode("utf-8-sig")


def test_no_real_name_leaves_the_database(fgi, study, tmp_path):
    with study.db.reading() as session:
        originals = set(session.scalars(select(PseudonymKey.original)))
    assert set(REAL_NAMES) <= originals  # the names really were in the imported files
    files = []
    for suffix in ("docx", "hwpx", "xlsx", "csv", "md"):
        fgi("export", "themes", "--project", PROJECT, "-o", f"표.{suffix}", "--quotes", "20")
        files.append(tmp_path / f"표.{suffix}")
    fgi("export", "qdpx", "--project", PROJECT, "-o", "프로젝트.qdpx")
    files.append(tmp_path / "프로젝트.qdpx")
    for path in files:
        text = _all_text(path)
        assert "참여주민의 변화" in text  # the reading worked
        if path.suffix in (".xlsx", ".qdpx"):
            assert "P0" in text  # speakers appear, as pseudonyms
        for secret in originals:
            assert secret not in text, f"{secret!r} is in {path.name}"


def test_export_commands(fgi, tmp_path):
    _, err = fgi("export", "themes", "--project", PROJECT, "-o", "t.docx", "--domain", "실무자가 본 성과")
    assert "wrote t.docx: 1 domains, 2 rows" in err
    _, err = fgi("export", "themes", "--project", PROJECT, "-o", "t.hwpx", "--domain", "실무자가 본 성과")
    assert "wrote t.hwpx: 1 domains, 2 rows" in err
    code, err = fgi("export", "themes", "--project", PROJECT, "-o", "t.pdf", ok=False)
    assert code == 1 and "cannot tell the format" in err
    code, err = fgi("export", "themes", "--project", PROJECT, "-o", "t.md", "--domain", "없음", ok=False)
    assert code == 1 and "no domain '없음'" in err
    _, err = fgi("export", "qdpx", "--project", PROJECT, "-o", "p.qdpx")
    assert "3 transcripts" in err
    _, err = fgi("export", "qdpx", "--project", PROJECT, "-o", "n.qdpx", "--positions", "utf16")
    assert "3 transcripts" in err
    code, err = fgi("export", "qdpx", "--project", PROJECT, "-o", "n.qdpx", "--positions", "utf8", ok=False)
    assert code == 1 and "--positions utf16" in err
    code, err = fgi("export", "qdpx", "--project", PROJECT, "-o", "p.zip", ok=False)
    assert code == 1 and "ends in .qdpx" in err
    code, err = fgi("export", "qdpx", "--project", PROJECT, "-o", "x.qdpx", "--as", "코더A", ok=False)
    assert code == 1 and "only a lead or admin" in err


def test_import_archive_adapter(fgi, study, tmp_path, capsys):
    fgi("export", "qdpx", "--project", PROJECT, "-o", "p.qdpx")
    with study.db.reading() as session:  # the export gave every code and transcript its GUID for good
        from coding.models import Code
        from fgi.models import Transcript
        assert None not in set(session.scalars(select(Code.guid))) | set(session.scalars(select(Transcript.guid)))
    with pytest.raises(PermissionDenied, match="only an admin may import a project archive"):
        import_archive(tmp_path / "p.qdpx", "사본")  # FGI_USER, a lead
    with study.db.transaction() as session:
        create_user(session, "관리자", PASSWORD, role="admin", actor="setup")
    import_archive(tmp_path / "p.qdpx", "사본", "관리자")
    err = capsys.readouterr().err
    assert "imported p.qdpx as project '사본': 3 transcripts" in err and "9 hierarchy nodes" in err
    _, err = fgi("export", "themes", "--project", "사본", "-o", "사본.md", "--as", "관리자")
    assert "2 domains, 4 rows" in err
