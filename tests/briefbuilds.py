"""Small built briefs made by hand, for the tests of ``brief diff`` and the editions page.

From the report fixture's results (C1 with its robustness, C5 without): a results.json, the
manifest of the runs that wrote it (what each run received, read and imported) and each run's
part of the results, as `brief run` leaves them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from analysis.files import dump_json
from analysis.pipeline.plan import MANIFEST_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "build" / "results.json"
WEO = {"how": "release", "label": "October 2021", "name": "IMF World Economic Outlook",
       "published": "2021-10-12", "release": "2021-10"}  # fmt: skip
SIPRI = {"how": "release", "label": "2021 release", "name": "SIPRI Military Expenditure Database",
         "published": "2021-04-26", "release": "2021"}  # fmt: skip
CODE = {
    "analysis/compute/power.py": "a" * 64,
    "analysis/compute/exercises.py": "b" * 64,
    "analysis/compute/claims/c1.py": "c" * 64,
    "analysis/compute/claims/c5.py": "d" * 64,
}
#: Which library files each claim's runs import (C1's power, C5's exercises).
IMPORTS = {
    "C1": ["analysis/compute/power.py", "analysis/compute/claims/c1.py"],
    "C5": ["analysis/compute/exercises.py", "analysis/compute/claims/c5.py"],
}
DATA = {
    "C1": ["vintages/imf_weo/2021-10.csv", "vintages/sipri_milex/2021.csv"],
    "C5": ["exercises.csv"],
}


def spec() -> dict[str, Any]:
    """What a build is made from: results, parameters, releases, code and data files."""
    res = json.loads(FIXTURE.read_text(encoding="utf-8"))
    res["claims"] = {k: v for k, v in res["claims"].items() if k in ("C1", "C5")}
    res["claims"]["C1"]["sources"] = ["imf_weo", "sipri_milex"]
    res["claims"]["C5"]["sources"] = ["hand"]
    res["brief"]["releases"] = {"imf_weo": dict(WEO), "sipri_milex": dict(SIPRI)}
    res["brief"]["as_of"] = "2021-10-12"
    files = {p: "0" * 64 for ps in DATA.values() for p in ps}
    return {"results": res, "code": dict(CODE), "files": files, "data": copy.deepcopy(DATA)}


def write_build(folder: Path, s: dict[str, Any]) -> Path:
    """A build folder as `brief run` leaves it (the parts diff reads)."""
    res = s["results"]
    params = res["brief"]["params"]
    notebooks = {}
    (folder / "results").mkdir(parents=True)
    for cid, claim in res["claims"].items():
        rules = params.get("rules", {}).get(cid.lower(), {})
        received = {"claim": cid, "horizon": params.get("horizon"), "rules": {cid.lower(): rules}}
        runs = {f"claim-{cid.lower()}": {"claims": {cid: claim}}}
        if cid in res["robustness"]:
            runs[f"multiverse-{cid.lower()}"] = {"robustness": {cid: res["robustness"][cid]}}
        code = {p: s["code"][p] for p in IMPORTS.get(cid, [])}
        for stem, part in runs.items():
            (folder / "results" / f"{stem}.json").write_text(dump_json(part), encoding="utf-8")
            notebooks[stem] = {
                "stem": stem,
                "parameters": {**received, "run": stem},
                "data_files": s["data"].get(cid, []),
                "code_files": code,
                "components": {"code": json.dumps(code, sort_keys=True), "notebook": "nb"},
            }
    manifest = {
        "version": MANIFEST_VERSION,
        "brief": res["brief"]["name"],
        "code_version": res["brief"]["code_version"],
        "data_version": res["brief"]["data_version"],
        "data_files": s["files"],
        "notebooks": notebooks,
    }
    (folder / "results.json").write_text(dump_json(res), encoding="utf-8")
    (folder / "manifest.json").write_text(dump_json(manifest), encoding="utf-8")
    return folder
