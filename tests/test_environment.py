"""pip and conda routes must install the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT

# conda-forge names that differ from the PyPI names (none today; keep the map explicit)
CONDA_NAME = {}
CONDA_ONLY = {"python", "quarto", "pip"}


def _pyproject_pins() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"]) + [
        r for group in meta["optional-dependencies"].values() for r in group
    ]
    pins = {}
    for req in reqs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.\-]+)", req)
        assert m, f"pyproject.toml: dependency {req!r} is not pinned with =="
        pins[m.group(1).lower()] = m.group(2)
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            continue
        name, _, version = dep.partition("=")
        pins[name.lower()] = version
    return pins


def test_every_dependency_is_pinned_in_both_files_at_the_same_version():
    pip_pins = _pyproject_pins()
    conda_pins = _conda_pins()
    conda_pkgs = {k: v for k, v in conda_pins.items() if k not in CONDA_ONLY}
    expected = {CONDA_NAME.get(k, k): v for k, v in pip_pins.items()}
    missing = sorted(set(expected) - set(conda_pkgs))
    extra = sorted(set(conda_pkgs) - set(expected))
    assert not missing, f"environment.yml lacks {missing}"
    assert not extra, f"environment.yml lists {extra}, which pyproject.toml does not"
    differ = {k: (expected[k], conda_pkgs[k]) for k in expected if expected[k] != conda_pkgs[k]}
    assert not differ, f"versions differ (pyproject, environment.yml): {differ}"


def test_conda_environment_has_python_and_quarto():
    conda_pins = _conda_pins()
    assert conda_pins["python"].startswith("3.11")
    assert "quarto" in conda_pins


def test_python_requirement_matches():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.11"
