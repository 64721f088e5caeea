"""Run the round-three hostile corpus (``tests/fixtures/hostile/round3.yml``), one line a case.

Each case is what a new user tried on the project (issue 24): a ``brief`` command, the files
they wrote or removed first, the signal they sent. It runs in a scratch copy of the project,
as a real process in a session of its own, and is put in one class:

- ``clean``: what a careful user expects (refused with one ``error:`` line holding the words
  the case expects, or done, with what the case checks afterwards true);
- ``traceback``: a Python traceback on stderr, or an exit status that is neither 0, 2 (an
  error), 130 (Ctrl-C) nor 143 (SIGTERM);
- ``hang``: still running after the case's time limit, or the process tree above the memory
  limit (it is killed);
- ``silent``: anything else: done where it should have been refused, refused with a message
  that does not say the problem (or says a wrong one), or done with something wrong left behind.

Usage::

    .venv/bin/python -m tests.hostile_round3               # the working tree's code
    .venv/bin/python -m tests.hostile_round3 --code DIR    # another checkout (e.g. git archive)
    .venv/bin/python -m tests.hostile_round3 --only mv-    # the cases whose id starts so

The scratch project is a copy of the code's tracked files with the default brief built once
(warm); each case gets its own copy of it, its own temporary folder ($TMPDIR) and Jupyter
runtime folder. Some cases need the raw data (``../shared/data/raw``) or to drop root
privileges (``setpriv``) for a read-only project; without them they are skipped, saying so.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fixtures" / "hostile" / "round3.yml"
ROOT = HERE.parent
RAW = (ROOT.parent / "shared" / "data" / "raw").resolve()
CLASSES = ("clean", "traceback", "hang", "silent")
MEMORY_LIMIT = 2 << 30  # bytes of resident memory the case's processes may use together
GENERATED = ("_site", "_build", ".quarto", "report/_generated", "report/files", ".venv")
NOBODY = 65534


# ---------------------------------------------------------------------------------------------
# The scratch project


def tracked_files(code: Path) -> list[str]:
    """The files a clone of ``code`` has (git's list when it is a checkout, else every file
    outside the generated folders)."""
    if (code / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=code,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        return [f for f in out if f and (code / f).is_file()]
    files = []
    for p in sorted(code.rglob("*")):
        rel = p.relative_to(code).as_posix()
        generated = any(rel == g or rel.startswith(g + "/") for g in GENERATED)
        if p.is_file() and not generated and "__pycache__" not in rel:
            files.append(rel)
    return files


def make_base(code: Path, dest: Path) -> Path:
    """A copy of ``code``'s files with the default brief built once (what each case starts
    from)."""
    for f in tracked_files(code):
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(code / f, dest / f)
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "params/default.yml"],
        cwd=dest,
        env=case_env(dest, dest / ".tmp-base"),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the base build failed: {proc.stderr[-2000:]}")
    shutil.rmtree(dest / ".tmp-base", ignore_errors=True)
    return dest


def case_env(project: Path, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "QUARTO_PROFILE"))}
    (scratch / "tmp").mkdir(parents=True, exist_ok=True)
    (scratch / "runtime").mkdir(parents=True, exist_ok=True)
    env.update(
        PYTHONPATH=str(project),
        TMPDIR=str(scratch / "tmp"),
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        BRIEF_RAW_DIR=str(RAW),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# ---------------------------------------------------------------------------------------------
# Running one case


@dataclass
class Run:
    """What one command did."""

    argv: list[str]
    code: int | None  # None: killed by the runner (hang)
    out: str
    err: str
    seconds: float
    peak: int  # bytes
    hang: str = ""
    stray: list[str] | None = None  # processes of the session alive after it exited


def _tree_pids(root: int) -> list[int]:
    """The live processes of ``root``'s session and every descendant of ``root`` (a child may
    start a session of its own, as Quarto's process group does)."""
    parent: dict[int, int] = {}
    session: set[int] = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] in ("Z", "X"):
            continue
        pid = int(stat.split("/")[2])
        parent[pid] = int(fields[1])
        if int(fields[3]) == root:
            session.add(pid)
    found = set(session)
    for pid in parent:
        p = pid
        while p in parent and p not in (0, 1):
            if p == root:
                found.add(pid)
                break
            p = parent[p]
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf(
                "SC_PAGE_SIZE"
            )
    return total


def _cmdlines(pids: list[int]) -> list[str]:
    """Each process's command line ("" when it is gone), in the order given."""
    out = []
    for pid in pids:
        try:
            out.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            out.append("")
    return out


def run(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    *,
    send: dict[str, Any] | None = None,
    as_nobody: bool = False,
) -> Run:
    cmd = [sys.executable, "-m", "analysis", *argv]
    if as_nobody:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    t0 = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=err, text=True, start_new_session=True
        )
        peak, hang, sent = 0, "", False
        seen: dict[int, str] = {}  # every process of the command, with its command line
        while proc.poll() is None:
            pids = _tree_pids(proc.pid)
            seen.update(zip(pids, _cmdlines(pids), strict=True))
            peak = max(peak, _rss(pids))
            elapsed = time.monotonic() - t0
            if peak > MEMORY_LIMIT:
                hang = f"{peak / 2**30:.1f} GB after {elapsed:.0f} s"
            elif elapsed > timeout:
                hang = f"still running after {timeout:.0f} s"
            if hang:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            if send and not sent and _ready(send, cwd, env, pids, elapsed):
                time.sleep(float(send.get("delay", 0)))
                sig = getattr(signal, f"SIG{send['signal']}")
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, sig)
                sent = True
            time.sleep(0.1)
        time.sleep(0.3)
        left = [pid for pid in seen if pid != proc.pid and _alive(pid)] if not hang else []
        stray = [seen[pid] for pid in left]
        for pid in left:  # nothing of a case outlives it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        return Run(
            argv,
            None if hang else proc.returncode,
            out.read(),
            err.read(),
            time.monotonic() - t0,
            peak,
            hang,
            stray,
        )


def _ready(send: dict[str, Any], cwd: Path, env: dict[str, str], pids, elapsed: float) -> bool:
    """When to send the case's signal: once a path matching ``when_path`` exists (relative to
    the project, or to $TMPDIR / the Jupyter runtime folder), a process whose command line
    holds ``when_process`` runs, or ``after`` seconds passed."""
    if "after" in send:
        return elapsed >= float(send["after"])
    if "when_path" in send:
        pattern = send["when_path"].format(
            tmp=env["TMPDIR"], runtime=env["JUPYTER_RUNTIME_DIR"], project=str(cwd)
        )
        return bool(glob.glob(pattern if os.path.isabs(pattern) else str(cwd / pattern)))
    if "when_process" in send:
        return any(send["when_process"] in c for c in _cmdlines(pids))
    return True


# ---------------------------------------------------------------------------------------------
# Setting a case up


def _text_of(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if "json" in spec:
        return json.dumps(spec["json"], indent=1)
    if "yaml" in spec:
        return yaml.safe_dump(spec["yaml"], allow_unicode=True, sort_keys=False)
    if "eval" in spec:  # a generated text (long lists); the corpus is this repository's own file
        names = {"__builtins__": {}, "range": range, "round": round, "str": str, "list": list}
        return str(eval(spec["eval"], names))
    raise ValueError(f"a file is text, {{yaml: ...}} or {{eval: ...}}, got {spec!r}")


def set_up(case: dict[str, Any], project: Path) -> None:
    for rel in case.get("remove", []):
        path = project / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for rel, spec in (case.get("copy") or {}).items():
        (project / spec).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / rel, project / spec)
    for rel, spec in (case.get("files") or {}).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, dict) and "bytes" in spec:
            path.write_bytes(bytes.fromhex(spec["bytes"]))
        else:
            path.write_text(_text_of(spec), encoding="utf-8")
    for rel, text in (case.get("append") or {}).items():
        with open(project / rel, "a", encoding="utf-8") as fh:
            fh.write(text)
    for rel, n in (case.get("duplicate_line") or {}).items():
        lines = (project / rel).read_text(encoding="utf-8").splitlines(keepends=True)
        (project / rel).write_text("".join([*lines, lines[n - 1]]), encoding="utf-8")
    for rel in case.get("mkdir", []):
        (project / rel).mkdir(parents=True, exist_ok=True)
    if case.get("rehash"):
        rehash(project / "data")
    if case.get("read_only"):
        for p in [project, *project.rglob("*")]:
            if not p.is_symlink():
                p.chmod(p.stat().st_mode & ~0o222 | 0o555 if p.is_dir() else 0o444)


def rehash(data: Path) -> None:
    """Record the current SHA-256 of every file data/datapackage.json lists (a user who edited
    a table and let the checksums follow)."""
    import hashlib

    pkg = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        p = data / res["path"]
        if p.is_file():
            res["hash"] = "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()
            res["bytes"] = p.stat().st_size
    (data / "datapackage.json").write_text(json.dumps(pkg, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# What a case checks afterwards (each returns a problem in words, or "")


def _results(project: Path, brief: str = "default") -> dict[str, Any]:
    return json.loads((project / "_build" / brief / "results.json").read_text(encoding="utf-8"))


def check_claim_verdict(project: Path, base: Path, arg: dict[str, str]) -> str:
    claims = _results(project, arg.get("brief", "default"))["claims"]
    got = claims[arg["claim"]]["verdict"]
    if got != arg["verdict"]:
        return f"{arg['claim']} is {got!r}, expected {arg['verdict']!r}"
    return ""


NA = re.compile(r"\bnot available\b")


def check_no_na_for_numbers(project: Path, base: Path, arg: Any) -> str:
    """No claim's sentence or headline prints "not available" where a number belongs (a few
    words before it: 'at', 'of', 'is', 'was', 'to', 'in', '(')."""
    bad = re.compile(r"(\b(at|of|is|to|from|was)\s+|\(|, )not available\b")
    for cid, claim in _results(project, (arg or {}).get("brief", "default"))["claims"].items():
        for text in (claim["summary"], claim.get("headline", "")):
            if bad.search(text):
                return f"{cid}: {text[:160]!r}"
    return ""


def check_flagship_unchanged(project: Path, base: Path, arg: Any) -> str:
    a = (project / "_build" / "default" / "results.json").read_bytes()
    b = (base / "_build" / "default" / "results.json").read_bytes()
    return "" if a == b else "the flagship's _build/default/results.json changed"


def check_no_site(project: Path, base: Path, arg: Any) -> str:
    return "_site/ was written" if (project / "_site").exists() else ""


def check_no_leftovers(project: Path, base: Path, arg: Any) -> str:
    """Nothing left in $TMPDIR (a kernel's connection file is made there), the Jupyter runtime
    folder, data/, _build/, report/ or beside _site/ by a command that was stopped."""
    scratch = project.parent
    found = [str(p.relative_to(scratch)) for p in (scratch / "tmp").iterdir()]
    found += [str(p.relative_to(scratch)) for p in (scratch / "runtime").glob("kernel-*.json")]
    found += [f"{p.name}" for p in project.glob(".old-_site-*")]
    found += [f"report/{p.name}" for p in (project / "report").glob(".gen-*")]
    found += [f"report/{p.name}" for p in (project / "report").glob(".files-*")]
    found += [f"data/{p.name}" for p in (project / "data").glob(".tmp-*")]
    if (project / "_build").is_dir():
        found += [f"_build/{p.name}" for p in (project / "_build").glob(".tmp-*")]
        found += [f"_build/{p.name}" for p in (project / "_build").glob(".old-*")]
    found += [f"_render/{p.name}" for p in (project / "_build" / "_render").glob(".*")]
    found += [f"{p.name}" for p in project.glob("._site-*")]
    return f"left behind: {', '.join(sorted(found))}" if found else ""


def check_site_links(project: Path, base: Path, arg: Any) -> str:
    from tests.sitelinks import broken_links

    broken = broken_links(project / "_site")
    return f"broken links: {broken[:3]}" if broken else ""


def check_ignored(project: Path, base: Path, arg: list[str]) -> str:
    """Each path is ignored by the project's .gitignore (read with git, no repository needed)."""
    repo = project.parent / "ignore-check"
    if not repo.exists():
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy2(project / ".gitignore", repo / ".gitignore")
    missing = []
    for rel in arg:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("x")
        proc = subprocess.run(["git", "check-ignore", "-q", rel], cwd=repo, check=False)
        if proc.returncode != 0:
            missing.append(rel)
    return f"not ignored by git: {missing}" if missing else ""


def check_output_mentions(project: Path, base: Path, arg: list[str], result: Run) -> str:
    text = result.out + result.err
    missing = [w for w in arg if w not in text]
    return f"output does not mention {missing}" if missing else ""


def check_exists(project: Path, base: Path, arg: list[str]) -> str:
    missing = [p for p in arg if not glob.glob(str(project / p))]
    return f"missing: {missing}" if missing else ""


def check_absent(project: Path, base: Path, arg: list[str]) -> str:
    present = [p for p in arg if glob.glob(str(project / p))]
    return f"still there: {present}" if present else ""


CHECKS: dict[str, Callable[..., str]] = {
    "claim_verdict": check_claim_verdict,
    "no_na_for_numbers": check_no_na_for_numbers,
    "flagship_unchanged": check_flagship_unchanged,
    "no_site": check_no_site,
    "no_leftovers": check_no_leftovers,
    "site_links": check_site_links,
    "ignored": check_ignored,
    "mentions": check_output_mentions,
    "exists": check_exists,
    "absent": check_absent,
}


# ---------------------------------------------------------------------------------------------
# Classifying


def classify(case: dict[str, Any], runs: list[Run], project: Path, base: Path) -> tuple[str, str]:
    last = runs[-1]
    for r in runs:
        if r.hang:
            return "hang", r.hang
        if "Traceback (most recent call last)" in r.err:
            line = [ln for ln in r.err.strip().splitlines() if ln.strip()][-1]
            return "traceback", line[:160]
        killed = r.code is not None and r.code < 0 and case["expect"] == "interrupted"
        if r.code not in (0, 2, 130, 143) and not killed:  # killed by the signal it was sent
            return "traceback", f"exit status {r.code}: {r.err.strip()[-160:]}"
    expect = case["expect"]
    errors = [ln for ln in last.err.splitlines() if ln.startswith("error: ")]
    if expect == "refused":
        if last.code == 0:
            return "silent", "done without a word: " + (last.out.strip().splitlines() or [""])[-1]
        if last.code != 2 or len(errors) != 1:
            return "silent", f"exit {last.code}, {len(errors)} error lines"
        msg = errors[0]
        missing = [w for w in case.get("words", []) if w.lower() not in msg.lower()]
        wrong = [w for w in case.get("not_words", []) if w.lower() in msg.lower()]
        if missing or wrong:
            what = f"lacks {missing}" if missing else f"says {wrong}"
            return "silent", f"message {what}: {msg[:150]}"
    elif expect == "interrupted":
        if last.code == 0:
            return "silent", "finished before the signal"
        if last.code is not None and last.code < 0:
            pass  # killed by the signal itself: what it left is checked below
    elif expect == "ok" and last.code != 0:
        return "silent", f"exit {last.code}: {(errors or [last.err.strip()[-150:]])[0][:150]}"
    for name, arg in (case.get("check") or {}).items():
        fn = CHECKS[name]
        try:
            problem = fn(project, base, arg, last) if name == "mentions" else fn(project, base, arg)
        except (OSError, KeyError, ValueError) as exc:
            problem = f"{name}: {type(exc).__name__}: {exc}"
        if problem:
            return "silent", problem
    if expect == "interrupted" and last.stray:
        return "silent", f"left running: {last.stray[0][:120]}"
    if expect == "interrupted" and last.code is not None and last.code < 0:
        return "silent", f"killed by signal {-last.code} without cleaning up (nothing said)"
    return "clean", (errors[0][:150] if errors else f"exit {last.code}")


def run_case(case: dict[str, Any], base: Path, work: Path) -> tuple[str, str]:
    scratch = work / case["id"]
    project = scratch / "project"
    shutil.copytree(base, project, symlinks=True)
    env = case_env(project, scratch)
    env.update({k: str(v).format(project=project) for k, v in (case.get("env") or {}).items()})
    set_up(case, project)
    runs = []
    nobody = bool(case.get("read_only"))
    if nobody:
        for p in (scratch, scratch / "tmp", scratch / "runtime"):
            os.chown(p, NOBODY, NOBODY)
        env["HOME"] = str(scratch / "tmp")
    for argv in case.get("before", []):  # commands whose outcome is not judged (a first build)
        run(argv, project, env, case.get("timeout", 300))
    runs.append(
        run(
            case["argv"],
            project,
            env,
            float(case.get("timeout", 120)),
            send=case.get("send"),
            as_nobody=nobody,
        )
    )
    return classify(case, runs, project, base)


def skipped(case: dict[str, Any]) -> str:
    if case.get("needs_raw") and not RAW.is_dir():
        return f"needs the raw data at {RAW}"
    if case.get("read_only") and os.geteuid() == 0 and not shutil.which("setpriv"):
        return "needs setpriv to drop root privileges"
    return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code runs")
    ap.add_argument("--only", default="", help="run the cases whose id starts with this")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders")
    ap.add_argument("--base", type=Path, help="reuse (or make and keep) the base project here")
    args = ap.parse_args(argv)
    cases = [c for c in yaml.safe_load(CORPUS.read_text("utf-8")) if c["id"].startswith(args.only)]
    work = Path(tempfile.mkdtemp(prefix="hostile-round3-", dir="/tmp"))
    os.chmod(work, 0o755)  # a read-only case runs as nobody, who must reach its folder
    counts: Counter[str] = Counter()
    try:
        if args.base and args.base.is_dir():
            base = args.base
        else:
            base = make_base(args.code.resolve(), args.base or work / "base")
        for case in cases:
            why = skipped(case)
            if why:
                print(f"{case['id']:<40} skipped    {why}", flush=True)
                continue
            t0 = time.monotonic()
            cls, detail = run_case(case, base, work)
            counts[cls] += 1
            print(
                f"{case['id']:<40} {cls:<10} {time.monotonic() - t0:5.0f} s  "
                f"[{case['class']}] {detail}",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(work / case["id"], ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("; ".join(f"{c} {counts[c]}" for c in CLASSES) + f" (of {sum(counts.values())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
