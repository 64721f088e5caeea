"""The source registry lists the source modules that exist, in the declared order."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.data import sources
from analysis.errors import BriefError


def test_registry_lists_exactly_the_existing_modules_in_order():
    folder = Path(sources.__file__).parent
    present = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    expected = [n for n in sources.SOURCE_MODULES if n in present]
    modules = [*sources.SOURCES, *sources.VINTAGES]
    assert [m.__name__.rsplit(".", 1)[1] for m in modules] == expected
    assert present - {"common"} == set(expected)


def test_earlier_releases_are_of_a_registered_source():
    ids = {m.SOURCE_ID for m in sources.SOURCES}
    for mod in sources.VINTAGES:
        assert mod.OF in ids, mod.SOURCE_ID
        assert mod.SOURCE["vintage_files"], mod.SOURCE_ID


def test_a_metadata_file_that_is_not_yaml_is_one_error_naming_it_and_the_line(
    tmp_path, monkeypatch
):
    from analysis.data.sources import common

    (tmp_path / "broken.meta.yml").write_text("name: A\npublisher: [B\n", encoding="utf-8")
    monkeypatch.setattr(common, "HERE", tmp_path)
    with pytest.raises(
        BriefError,
        match=r"analysis/data/sources/broken\.meta\.yml: cannot read "
        r"the source's metadata \(.*line \d+\)",
    ):
        common.source_metadata("broken", [])
