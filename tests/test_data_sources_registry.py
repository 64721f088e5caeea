"""The source registry lists the source modules that exist, in the declared order."""

from __future__ import annotations

from pathlib import Path

from analysis.data import sources


def test_registry_lists_exactly_the_existing_modules_in_order():
    folder = Path(sources.__file__).parent
    present = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    expected = [n for n in sources.SOURCE_MODULES if n in present]
    assert [m.__name__.rsplit(".", 1)[1] for m in sources.SOURCES] == expected
