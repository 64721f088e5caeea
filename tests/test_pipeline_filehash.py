"""The warm plan's memo of file hashes (analysis.pipeline.filehash): reused only while a file's
stat says it is the file that was hashed, so every change that should invalidate a notebook's
cache still does (data edited in place with its size and mtime restored, code edited, a
parameter changed), and the racily clean case is hashed again."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from analysis.pipeline import filehash, keys
from analysis.pipeline import plan as plan_mod
from analysis.pipeline.build import load_brief_params, plan_brief
from tests.fixtures.pipeline.support import build_template, copy_built, rehash

LATER = 10 * 10**9  # 10 s: "the hash was taken long after the file's last change"


@pytest.fixture(autouse=True)
def fresh_memo(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEF_HASH_CACHE", str(tmp_path / "hash-cache"))
    filehash.forget()
    yield
    filehash.forget()


@pytest.fixture
def settled(monkeypatch):
    """Hashes taken from now on count as taken 10 s later: the files look settled (old enough
    to be trusted), as a warm build's inputs are. Returns a call that ends it."""
    monkeypatch.setattr(filehash, "_now", lambda: time.time_ns() + LATER)
    return lambda: monkeypatch.setattr(filehash, "_now", time.time_ns)


def _count_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = filehash.sha256_file

    def spy(path):
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(filehash, "sha256_file", spy)
    return reads


def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (same length) in place, then set the mtime back, as
    ``touch -d`` would: only the ctime (which no program can set) says the file changed."""
    assert len(old) == len(new)
    before = path.stat()
    time.sleep(0.05)  # past the clock tick of the first write: the edit gets a new ctime
    data = path.read_bytes()
    assert old in data
    with open(path, "r+b") as fh:  # in place: the same inode
        fh.write(data.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def test_a_settled_file_is_read_once_and_its_hash_is_sha256(tmp_path, monkeypatch, settled):
    path = tmp_path / "a.csv"
    path.write_bytes(b"year,value\n2020,1\n")
    reads = _count_reads(monkeypatch)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert filehash.sha256(path) == expected
    assert filehash.sha256(path) == expected
    assert reads == ["a.csv"]
    assert filehash.tree(tmp_path) == {"a.csv": expected}  # the memo's hash, not a new read
    assert reads == ["a.csv"]


def test_an_edit_keeping_size_and_mtime_is_seen_by_its_ctime(tmp_path, settled):
    path = tmp_path / "a.csv"
    path.write_bytes(b"year,value\n2020,1\n")
    first = filehash.sha256(path)
    _edit_keeping_size_and_mtime(path, b"2020,1", b"2020,7")
    assert filehash.sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first


def test_a_racily_clean_file_is_hashed_again(tmp_path, monkeypatch):
    """A file system without ctime or inode numbers (the signature is size and mtime only):
    a file changed within RACY_NS of being hashed is not trusted, so an edit that restores its
    size and mtime is still seen."""
    monkeypatch.setattr(filehash, "signature", lambda st: (st.st_size, st.st_mtime_ns, 0, 0, 0))
    path = tmp_path / "a.csv"
    path.write_bytes(b"year,value\n2020,1\n")
    first = filehash.sha256(path)  # hashed right after it was written: racily clean
    _edit_keeping_size_and_mtime(path, b"2020,1", b"2020,7")
    assert filehash.sha256(path) != first


def test_the_documented_limit_without_ctime(tmp_path, monkeypatch, settled):
    """What RACY_NS cannot protect (as for git): on a file system without ctime, an edit long
    after the hash that restores both size and mtime keeps the old hash. With ctime (every
    POSIX file system) the previous test shows it is seen."""
    monkeypatch.setattr(filehash, "signature", lambda st: (st.st_size, st.st_mtime_ns, 0, 0, 0))
    path = tmp_path / "a.csv"
    path.write_bytes(b"year,value\n2020,1\n")
    first = filehash.sha256(path)
    _edit_keeping_size_and_mtime(path, b"2020,1", b"2020,7")
    assert filehash.sha256(path) == first


def test_settled_only_when_mtime_and_ctime_are_racy_ns_older_than_the_hash():
    now = time.time_ns()
    old = now - filehash.RACY_NS
    assert filehash.settled((1, old, old, 1, 1), now)
    assert not filehash.settled((1, old, now - 1, 1, 1), now)  # ctime too recent
    assert not filehash.settled((1, now - 1, old, 1, 1), now)  # mtime too recent


def test_the_memo_is_kept_between_processes_and_checked_when_read_back(
    tmp_path, monkeypatch, settled
):
    path = tmp_path / "data" / "a.csv"
    path.parent.mkdir()
    path.write_bytes(b"year,value\n2020,1\n")
    first = filehash.sha256(path)
    filehash.remember("imports", "k", ["analysis.x"])
    filehash.save()
    stored = json.loads((tmp_path / "hash-cache" / filehash.FILE_NAME).read_text())
    assert stored["files"][str(path)][-1] == first
    assert stored["facts"] == {"imports": {"k": ["analysis.x"]}}

    filehash.forget()  # a new process
    reads = _count_reads(monkeypatch)
    filehash.load()
    assert filehash.sha256(path) == first and reads == []
    assert filehash.fact("imports", "k") == ["analysis.x"]

    filehash.forget()  # a new process, after an edit that kept size and mtime
    _edit_keeping_size_and_mtime(path, b"2020,1", b"2020,7")
    filehash.load()
    assert filehash.sha256(path) != first and reads == ["a.csv"]


def test_an_unreadable_store_is_ignored(tmp_path, settled):
    store = tmp_path / "hash-cache" / filehash.FILE_NAME
    store.parent.mkdir()
    store.write_text('{"version": 1, "files": {"/x": [1, 2]}, "facts": []}')
    filehash.load()
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n")
    assert filehash.sha256(path) == hashlib.sha256(b"a\n").hexdigest()


def test_nothing_is_kept_when_the_store_is_switched_off(tmp_path, monkeypatch, settled):
    monkeypatch.setenv("BRIEF_HASH_CACHE", "")
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n")
    filehash.sha256(path)
    filehash.save()
    assert filehash.store() is None and not (tmp_path / "hash-cache").exists()


# ---------------------------------------------------------------------------------------------
# The plan: a warm memo still sees every change that should re-run a notebook


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("built") / "project"
    build_template(root)
    return root


@pytest.fixture
def project(template, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BRIEF_HASH_CACHE", str(tmp_path / "hash-cache"))
    return copy_built(template, tmp_path / "project", monkeypatch)


def _reasons(*overrides: str) -> dict[str, list[str]]:
    params = load_brief_params("params/default.yml", overrides)
    return {nb.stem: nb.reasons for nb in plan_brief(params).notebooks}


def test_warm_plan_sees_data_edited_in_place_with_size_and_mtime_restored(project, settled):
    assert _reasons() == {"01_alpha": [], "02_beta": []}
    assert _reasons() == {"01_alpha": [], "02_beta": []}  # from the memo
    _edit_keeping_size_and_mtime(project / "data" / "series.csv", b"2020,", b"2029,")
    rehash(project)  # as a curation records the new checksum
    assert _reasons() == {"01_alpha": ["data changed"], "02_beta": []}


def test_warm_plan_sees_a_parameter_change(project, settled):
    assert _reasons() == {"01_alpha": [], "02_beta": []}
    assert _reasons("horizon=2045") == {"01_alpha": ["parameters changed"], "02_beta": []}
    assert _reasons() == {"01_alpha": [], "02_beta": []}


def test_warm_plan_sees_a_code_file_edited_in_place(project, tmp_path, monkeypatch, settled):
    """The library's files are hashed through the memo too: a module a notebook imports,
    edited in place with its size and mtime restored, changes that notebook's code key."""
    pkg = tmp_path / "lib" / "analysis"
    for rel, text in {
        "__init__.py": "",
        "compute/__init__.py": "",
        "compute/weights.py": "from analysis.compute import scale\nWEIGHT = 1\n",
        "compute/scale.py": "FACTOR = 1\n",
    }.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    monkeypatch.setattr(plan_mod.paths, "PACKAGE_DIR", pkg)
    nb_path = project / "notebooks" / "02_beta.ipynb"
    nb = json.loads(nb_path.read_text())
    source = "from analysis.compute import weights"
    cell = {"cell_type": "code", "id": "weights", "metadata": {}, "source": source}
    nb["cells"].append({**cell, "outputs": [], "execution_count": None})
    nb_path.write_text(json.dumps(nb))

    def code() -> dict[str, str]:
        params = load_brief_params("params/default.yml")
        return {nb.stem: nb.components["code"] for nb in plan_brief(params).notebooks}

    before = code()
    assert code() == before  # warm: from the memo
    _edit_keeping_size_and_mtime(pkg / "compute" / "scale.py", b"1", b"2")  # reached through
    after = code()
    assert after["02_beta"] != before["02_beta"] and after["01_alpha"] == before["01_alpha"]
    files = keys.notebook_code_files(pkg, nb)
    assert files["analysis/compute/scale.py"] == hashlib.sha256(b"FACTOR = 2\n").hexdigest()


# ---------------------------------------------------------------------------------------------
# A process that has not imported the parameter schema (a warm `brief run`): the checked
# parameters and the registry's answers come from the memo, keyed by everything they depend on


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a new process that has not imported analysis.params (the tests' process has)."""
    from analysis.pipeline import inputs

    monkeypatch.setattr(inputs, "schema_imported", lambda: False)


def _validations(monkeypatch) -> list[str]:
    from analysis import params

    calls: list[str] = []
    real = params.load_params

    def spy(path, *args, **kwargs):
        calls.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(params, "load_params", spy)
    return calls


def test_checked_parameters_are_remembered_with_what_they_depend_on(
    project, monkeypatch, fresh_process
):
    from analysis import dates

    calls = _validations(monkeypatch)
    first = load_brief_params("params/default.yml")
    assert load_brief_params("params/default.yml") == first and calls == ["default.yml"]
    # another override, the file edited, another day, other data: checked again
    assert load_brief_params("params/default.yml", ["horizon=2045"]).flat["horizon"] == 2045
    assert len(calls) == 2
    path = project / "params" / "default.yml"
    path.write_text(path.read_text() + "horizon: 2050\n")
    assert load_brief_params("params/default.yml").flat["horizon"] == 2050 and len(calls) == 3
    monkeypatch.setattr(dates, "today", lambda: dates.dt.date(2099, 1, 1))
    load_brief_params("params/default.yml")
    assert len(calls) == 4
    with open(project / "data" / "series.csv", "a", encoding="utf-8") as fh:
        fh.write("2023,2\n")
    rehash(project)
    load_brief_params("params/default.yml")
    assert len(calls) == 5
    load_brief_params("params/default.yml")
    assert len(calls) == 5


def test_a_refused_parameter_is_never_remembered(project, monkeypatch, fresh_process):
    from analysis.errors import BriefError

    calls = _validations(monkeypatch)
    for _ in range(2):
        with pytest.raises(BriefError, match="horizon"):
            load_brief_params("params/default.yml", ["horizon=soon"])
    assert calls == ["default.yml", "default.yml"]


def test_a_remembered_brief_is_still_checked_against_the_other_params_files(project, fresh_process):
    from analysis.pipeline.inputs import NameClash

    load_brief_params("params/default.yml")
    (project / "params" / "copy.yml").write_text("name: default\n")
    with pytest.raises(NameClash, match=r"copy\.yml"):
        load_brief_params("params/default.yml")


def test_the_registrys_remembered_answers_are_its_answers(project, monkeypatch):
    from analysis import runparams
    from analysis.compute import claims

    flat = load_brief_params("params/default.yml").flat
    direct = plan_mod._Registry("code A", flat)
    assert direct.direct  # this process has imported the schema: asked directly
    for _ in range(2):  # computed and remembered (by the direct one), then from the memo
        remembered = plan_mod._Registry("code A", flat)
        remembered.direct = False  # as in a warm process
        for per in ("claim", "varied claim"):
            assert remembered.claim_runs(per) == direct.claim_runs(per)
        for cid in claims.IDS:
            assert remembered.claim_reads(cid) == direct.claim_reads(cid)
            extra = ["seed"] if cid == "C1" else []
            assert remembered.run_parameters(cid, extra) == direct.run_parameters(cid, extra)
        remembered.value_words()
        assert runparams.value_words() == runparams.computed_value_words()
    # another parameter value, or other code: not the remembered answer
    changed = {**flat, "rules": {**flat["rules"], "c8": {**flat["rules"]["c8"], "window": 3}}}
    other_params = plan_mod._Registry("code A", changed)
    other_params.direct = False
    assert other_params.run_parameters("C8", [])["rules"]["c8"]["window"] == 3
    wrong = plan_mod.sha256_text(plan_mod.canonical_json([*remembered.base, "claim_runs", "claim"]))
    filehash.remember("claim_runs", wrong, '["C99"]')
    assert remembered.claim_runs("claim") == ["C99"]  # (the memo is what was asked)
    other_code = plan_mod._Registry("code B", flat)
    other_code.direct = False
    assert other_code.claim_runs("claim") == list(claims.IDS)


def test_the_release_files_a_dated_run_reads_are_remembered_exactly(monkeypatch):
    from analysis import paths
    from analysis.pipeline import inputs

    root = paths.PACKAGE_DIR.parent  # the repository's curated data, read only
    monkeypatch.setenv("BRIEF_ROOT", str(root))
    checksums = filehash.tree(root / "data")
    data = keys.select_data("n.ipynb", checksums, ["indicators"])
    for as_of in ("2021-10-12", "2019-06-01", None):
        expected = inputs.files_read(data, checksums, as_of)
        for _ in range(2):  # computed and remembered, then from the memo
            dated = plan_mod._Dated("code A", checksums, as_of)
            dated.direct = False  # as in a warm process
            assert dated.files_read(data) == expected
    assert any(k.startswith("vintages/") for k in inputs.files_read(data, checksums, "2021-10-12"))
    changed = {**checksums, "releases.csv": "0" * 64}  # another release table: asked again
    dated = plan_mod._Dated("code A", changed, "2021-10-12")
    dated.direct = False
    assert dated.files_read(data)["releases.csv"] == "0" * 64
