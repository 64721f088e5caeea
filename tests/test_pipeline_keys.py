"""Cache keys: each component changes exactly when what it stands for changes."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from analysis.errors import BriefError
from analysis.pipeline import keys
from tests.fixtures.pipeline.support import FIXTURE_PROJECT, write_notebook

ALPHA = FIXTURE_PROJECT / "notebooks" / "01_alpha.ipynb"


def _alpha():
    return nbformat.read(ALPHA, as_version=4)


def test_notebook_hash_ignores_outputs_and_execution_counts():
    nb = _alpha()
    executed = copy.deepcopy(nb)
    for cell in executed.cells:
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", text="hello")]
            cell.metadata["papermill"] = {"duration": 1.5}
    assert keys.notebook_hash(executed) == keys.notebook_hash(nb)


def test_notebook_hash_changes_with_source_tags_and_reads():
    nb = _alpha()
    base = keys.notebook_hash(nb)
    edited = copy.deepcopy(nb)
    edited.cells[3].source += "\n# a comment"
    assert keys.notebook_hash(edited) != base
    retagged = copy.deepcopy(nb)
    retagged.cells[1].metadata["tags"] = []
    assert keys.notebook_hash(retagged) != base
    reads = copy.deepcopy(nb)
    reads.metadata["brief"]["reads"] = ["series", "members"]
    assert keys.notebook_hash(reads) != base


def test_parameter_names_come_from_the_parameters_cell():
    assert keys.parameter_names(ALPHA, _alpha()) == ["artifacts_dir", "horizon", "seed"]


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    path = write_notebook(tmp_path / "x.ipynb", ["a = 1"], tags0=())
    with pytest.raises(BriefError, match=r"x.ipynb: no cell tagged 'parameters'"):
        keys.parameter_names(path, nbformat.read(path, as_version=4))


def test_parameters_cell_must_define_artifacts_dir(tmp_path):
    path = write_notebook(tmp_path / "y.ipynb", ["horizon = 2030"])
    with pytest.raises(BriefError, match="does not define artifacts_dir"):
        keys.parameter_names(path, nbformat.read(path, as_version=4))


def test_select_parameters_keeps_only_the_names_a_notebook_defines():
    flat = {"horizon": 2040, "seed": 3, "coalition": ["CHN"], "title": "t"}
    got = keys.select_parameters(["artifacts_dir", "horizon", "seed", "not_a_param"], flat)
    assert got == {"horizon": 2040, "seed": 3}


def test_parameters_component_normalises_artifacts_dir():
    a = keys.component_hashes("n", {"horizon": 2030}, {}, "c")
    b = keys.component_hashes("n", {"horizon": 2030}, {}, "c")
    c = keys.component_hashes("n", {"horizon": 2031}, {}, "c")
    assert a == b
    assert keys.changed_components(a, c) == ["parameters"]
    assert keys.cache_key(a) != keys.cache_key(c)


def test_select_data_by_table_name():
    sums = {"series.csv": "1", "members.csv": "2", "indicators/gdp.csv": "3"}
    assert keys.select_data("n", sums, ["members"]) == {"members.csv": "2"}
    assert keys.select_data("n", sums, ["indicators"]) == {"indicators/gdp.csv": "3"}
    assert keys.select_data("n", {"data/x.csv": "4"}, ["x"]) == {"data/x.csv": "4"}
    assert keys.select_data("n", sums, None) == dict(sorted(sums.items()))
    with pytest.raises(BriefError, match=r"names table 'nope'.*expected one of: gdp, members"):
        keys.select_data("n.ipynb", sums, ["nope"])


@pytest.mark.parametrize("reads", ["series", [1], [""], {"a": 1}])
def test_reads_must_be_a_list_of_names(reads):
    with pytest.raises(BriefError, match=r"metadata\.brief\.reads"):
        keys.notebook_reads("n.ipynb", {"metadata": {"brief": {"reads": reads}}})


def test_code_version_covers_library_but_not_pipeline_or_notebooks(tmp_path):
    pkg = tmp_path / "analysis"
    for rel in ("__init__.py", "lib/x.py", "pipeline/p.py", "notebooks/helper.py"):
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text("a = 1\n")
    base = keys.code_version(pkg)
    (pkg / "pipeline" / "p.py").write_text("a = 2\n")
    (pkg / "notebooks" / "helper.py").write_text("a = 2\n")
    assert keys.code_version(pkg) == base
    (pkg / "lib" / "x.py").write_text("a = 2\n")
    assert keys.code_version(pkg) != base
    assert [p.relative_to(pkg).as_posix() for p in keys.code_files(pkg)] == [
        "__init__.py",
        "lib/x.py",
    ]


def test_changed_components_with_no_previous_build():
    assert keys.changed_components(None, {"x": "1"}) == list(keys.COMPONENTS)


def test_unreadable_notebook_is_one_error(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(BriefError, match=r"bad.ipynb: not a readable Jupyter notebook"):
        keys.read_notebook(bad)
    with pytest.raises(BriefError, match="notebook not found"):
        keys.read_notebook(Path(tmp_path / "missing.ipynb"))


def test_a_notebooks_code_key_covers_what_it_imports_and_nothing_else():
    from analysis import paths

    pkg = paths.PACKAGE_DIR
    files = {
        p.relative_to(pkg).as_posix()
        for p in keys.imported_files(pkg, ["from analysis.compute import power\nimport numpy"])
    }
    assert "compute/power.py" in files and "errors.py" in files  # and what power imports
    assert "compute/__init__.py" in files and "__init__.py" in files
    assert not any(f.startswith(("publish/", "pipeline/")) for f in files)
    assert "compute/claims/c5.py" not in files
    # the claim registry finds its modules by name: reaching it reaches every claim
    claims = {
        p.relative_to(pkg).as_posix()
        for p in keys.imported_files(pkg, ["from analysis.params import from_notebook"])
    }
    assert {f"compute/claims/c{i}.py" for i in range(1, 9)} <= claims


def test_editing_the_publish_layer_changes_no_notebooks_code_key(tmp_path):
    import shutil

    from analysis import paths

    pkg = tmp_path / "analysis"
    shutil.copytree(paths.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    nb = {"cells": [{"cell_type": "code", "source": "from analysis.compute import power"}]}
    before = keys.notebook_code(pkg, nb)
    (pkg / "publish" / "text.py").write_text("# edited\n", encoding="utf-8")
    assert keys.notebook_code(pkg, nb) == before
    power = pkg / "compute" / "power.py"
    power.write_text(power.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert keys.notebook_code(pkg, nb) != before


def test_a_data_sources_metadata_file_is_part_of_the_code_that_reads_it(tmp_path):
    import shutil

    from analysis import paths

    pkg = tmp_path / "analysis"
    shutil.copytree(paths.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    # the loader labels each indicator from its source's metadata (labels, units)
    nb = {"cells": [{"cell_type": "code", "source": "from analysis.data import load"}]}
    files = {
        p.relative_to(pkg).as_posix() for p in keys.imported_files(pkg, [nb["cells"][0]["source"]])
    }
    assert "data/sources/imf_weo.meta.yml" in files
    before, version = keys.notebook_code(pkg, nb), keys.code_version(pkg)
    meta = pkg / "data" / "sources" / "imf_weo.meta.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("Population", "People"), "utf-8")
    assert keys.notebook_code(pkg, nb) != before
    assert keys.code_version(pkg) != version


def test_a_runs_code_files_are_the_files_its_code_key_hashes_each_with_its_sha256():
    import hashlib

    from analysis import paths

    nb = {"cells": [{"cell_type": "code", "source": "from analysis.compute import power"}]}
    files = keys.notebook_code_files(paths.PACKAGE_DIR, nb, "C5")
    root = paths.PACKAGE_DIR.parent
    assert "analysis/compute/power.py" in files and "analysis/compute/claims/c5.py" in files
    assert "analysis/compute/claims/c1.py" not in files  # another claim's module is not its code
    power = (root / "analysis/compute/power.py").read_bytes()
    assert files["analysis/compute/power.py"] == hashlib.sha256(power).hexdigest()
