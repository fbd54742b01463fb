"""The lock files pin every dependency of pyproject.toml, so two installs run the same code.

`make lock` writes them (pip-tools); this test fails when a dependency is added to
pyproject.toml without locking it again."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned(lock: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[_canonical(name.strip())] = version.strip()
    return pins


def _requirements(*extras: str) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return {_canonical(_NAME.match(r).group(0)) for r in wanted if not r.startswith("fgi-toolkit")}


def test_the_app_lock_pins_every_runtime_dependency():
    assert _requirements() - set(_pinned("requirements.lock")) == set()


def test_the_dev_lock_pins_every_dependency_of_every_extra():
    pins = _pinned("requirements-dev.lock")
    assert _requirements("embed", "konlpy", "postgres", "dev") - set(pins) == set()
    assert pins["torch"].split("+")[0] == "2.13.0"  # the CPU build of constraints.txt


def test_both_locks_agree_on_shared_packages():
    app, dev = _pinned("requirements.lock"), _pinned("requirements-dev.lock")
    assert {name: (app[name], dev[name]) for name in set(app) & set(dev) if app[name] != dev[name]} == {}
