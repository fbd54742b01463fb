"""Malformed and hostile archives: a clear error naming the file, and nothing changed."""

from __future__ import annotations

import zipfile

import pytest

from coding.refi import import_qdpx
from coding.refi.archive import Limits
from fgi.errors import InputError
from fgi.storage.fingerprint import fingerprint
from fgi.study import create_project
from tests.exports.test_qdpx_import import FOREIGN, FOREIGN_TEXT, G

GOOD_SOURCE = {f"sources/{G(20)}.txt": FOREIGN_TEXT}
BOMB = """<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>
"""


def _zip(path, members: dict[str, bytes | str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data.encode("utf-8") if isinstance(data, str) else data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return path


def not_a_zip(path):
    path.write_text("이것은 압축 파일이 아닙니다", encoding="utf-8")
    return path


CASES = {
    "not a zip": (not_a_zip, "not a zip archive"),
    "no project.qde": (lambda p: _zip(p, {"other.xml": "<x/>"}), "holds no project file"),
    "invalid XML": (lambda p: _zip(p, {"project.qde": "<Project name='x'><Users>"}), "not well-formed XML"),
    "wrong root": (lambda p: _zip(p, {"project.qde": "<CodeBook/>"}), "not <Project>"),
    "entity expansion": (lambda p: _zip(p, {"project.qde": BOMB}), "declares a DTD"),
    "external entity": (lambda p: _zip(p, {"project.qde": EXTERNAL}), "declares a DTD"),
    "parent path": (lambda p: _zip(p, {"project.qde": FOREIGN, "../evil.txt": "x", **GOOD_SOURCE}),
                    "'../evil.txt' escapes the archive folder"),
    "absolute path": (lambda p: _zip(p, {"project.qde": FOREIGN, "/etc/evil.txt": "x", **GOOD_SOURCE}),
                      "'/etc/evil.txt' is an absolute path"),
    "drive path": (lambda p: _zip(p, {"project.qde": FOREIGN, "C:\\evil.txt": "x", **GOOD_SOURCE}),
                   "is an absolute path"),
    "source outside": (lambda p: _zip(p, {"project.qde": FOREIGN.replace(f"internal://{G(20)}.txt",
                                                                           "file:///etc/passwd")}),
                       "points outside the archive"),
    "source escaping": (lambda p: _zip(p, {"project.qde": FOREIGN.replace(f"internal://{G(20)}.txt",
                                                                            "internal://../../etc/passwd")}),
                        "escapes the archive folder"),
    "source missing": (lambda p: _zip(p, {"project.qde": FOREIGN}), "is not in the archive"),
    "selection past the end": (lambda p: _zip(p, {"project.qde": FOREIGN.replace('endPosition="34"',
                                                                                  'endPosition="9999"'),
                                                  **GOOD_SOURCE}), "outside the text"),
    "zip bomb": (lambda p: _zip(p, {"project.qde": FOREIGN, **GOOD_SOURCE, "sources/big.txt": b"\0" * 20_000_000}),
                 "a zip bomb"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_archive_changes_nothing(db, tmp_path, case):
    make, message = CASES[case]
    path = make(tmp_path / "악성.qdpx")
    with db.transaction() as session:
        create_project(session, "기존 프로젝트", actor="setup")
    before = fingerprint(db.engine)
    with pytest.raises(InputError) as error:
        with db.transaction() as session:
            import_qdpx(session, path, "새 프로젝트", actor="연구자")
    assert str(error.value).startswith("악성.qdpx") and message in str(error.value), str(error.value)
    assert fingerprint(db.engine) == before


def test_limits_cap_what_is_read(sqlite_db, tmp_path):
    """A member larger than allowed, or more in total than allowed, is refused before reading."""
    path = _zip(tmp_path / "큰.qdpx", {"project.qde": FOREIGN, **GOOD_SOURCE})
    with pytest.raises(InputError, match="over the limit of 10 bytes"):
        with sqlite_db.transaction() as session:
            import_qdpx(session, path, "새", actor="연구자", limits=Limits(max_total_bytes=10))
    with pytest.raises(InputError, match="entries"):
        with sqlite_db.transaction() as session:
            import_qdpx(session, path, "새", actor="연구자", limits=Limits(max_members=1))
