"""The multiverse decided in blocks (issue 21) equals each specification decided alone.

:func:`analysis.compute.multiverse.run` groups a claim's specifications into blocks and, for a
claim module with ``evaluate_block`` (C1, C3, C4, C5, C7), decides a whole block at once: each
projection or fit made once, the thresholds applied to arrays. The reference is the
straightforward one: the claim module's ``evaluate`` on each specification, from its own
``prepare`` (so nothing is shared with the run), the specification taken from
:func:`~analysis.compute.multiverse.space` by its number. Compared on a sample of 500
specifications per claim (all of a smaller space), on the flagship's spaces and on the
benchmark's stress space of C1; estimates bit for bit.
"""

from __future__ import annotations

import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.compute import claims as claim_modules
from analysis.compute import multiverse as mv
from analysis.compute import specs
from analysis.data import load as data_load
from analysis.params import BriefParams, load_params
from analysis.results import VERDICTS
from tests.claims_pinned import data

ROOT = Path(__file__).resolve().parents[1]
STRESS = ROOT / "benchmarks" / "stress-multiverse.yml"
SAMPLE = 500
SPACES = list(specs.claim_spaces(BriefParams().multiverse))


def sample(n: int, seed: int = 21) -> np.ndarray:
    """SAMPLE specification numbers of a space of ``n`` (all of them when it is smaller)."""
    if n <= SAMPLE:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, SAMPLE, replace=False))


def reference(
    cid: str, params: BriefParams, numbers: np.ndarray, tables: dict | None = None
) -> list[tuple[float, str]]:
    """(estimate, NaN where none; verdict) of each specification, decided one at a time."""
    module = claim_modules.MODULES[cid]
    inputs = module.prepare(data(cid) if tables is None else tables, params)
    everything = mv.space(getattr(params.multiverse, cid.lower()))
    out = []
    for i in numbers.tolist():
        estimate, verdict = module.evaluate(inputs, dict(everything[i]), params)
        out.append((math.nan if estimate is None else float(estimate), verdict))
    return out


def same_bits(a: float, b: float) -> bool:
    return np.float64(a).tobytes() == np.float64(b).tobytes()


def differences(got: list[tuple[float, str]], want: list[tuple[float, str]], numbers) -> list:
    return [
        (i, g, w)
        for i, g, w in zip(numbers.tolist(), got, want, strict=True)
        if not (same_bits(g[0], w[0]) and g[1] == w[1])
    ]


@pytest.mark.parametrize("cid", SPACES)
def test_the_run_gives_each_specification_what_it_gives_alone(cid: str):
    params = BriefParams()
    choices = getattr(params.multiverse, cid.lower())
    table, _ = mv.run(data(cid), params, only=[cid])
    numbers = sample(len(table))
    assert len(numbers) == min(SAMPLE, specs.size(choices))
    rows = table.iloc[numbers]
    got = list(zip(rows["estimate"].tolist(), rows["verdict"].tolist(), strict=True))
    assert differences(got, reference(cid, params, numbers), numbers) == []
    everything = mv.space(choices)
    for name in specs.names(choices):  # each row holds its own specification's choices
        want = [str(everything[i][name]) for i in numbers.tolist()]
        assert rows[f"choice_{name}"].tolist() == want


def test_the_stress_space_of_c1_decided_in_blocks_equals_each_specification_alone():
    """500 of the benchmark's 108,000 specifications of C1, every threshold and horizon of the
    stress file among them, decided as one block (all 50 projections in it)."""
    params = load_params(STRESS)
    choices = params.multiverse.c1
    numbers = sample(specs.size(choices))
    block = specs.block_of(choices, numbers)
    module = claim_modules.MODULES["C1"]
    estimates, codes = mv.evaluate_block("C1", module.prepare(data("C1"), params), block, params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    want = reference("C1", params, numbers)
    assert differences(got, want, numbers) == []
    assert len({v for _, v in want}) >= 3  # the thresholds fall on every side of the sample


def test_c1_as_of_the_report_decided_in_blocks_equals_each_specification_alone():
    """The brief as of 12 October 2021: its data end in 2020, before the report, so two of C1's
    parts are not yet observable (c1.decide_measure) in every specification."""
    params = load_params(ROOT / "params" / "as-of-2021.yml")
    module = claim_modules.MODULES["C1"]
    tables = data_load.tables(module.READS, module.INDICATORS, as_of=params.as_of)
    choices = params.multiverse.c1
    numbers = sample(specs.size(choices))
    block = specs.block_of(choices, numbers)
    estimates, codes = mv.evaluate_block("C1", module.prepare(tables, params), block, params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    want = reference("C1", params, numbers, tables)
    assert differences(got, want, numbers) == []
    assert "not testable" not in {v for _, v in want}  # what was unseen is not counted


@pytest.mark.parametrize("cid", ["C3", "C5"])
def test_c3_and_c5_as_of_the_report_decided_in_blocks_equal_each_specification_alone(cid: str):
    """The brief as of 12 October 2021, on the data it could read: shorter series, other
    windows, other outcomes (C3's trade fitted on other years; C5's trend on fewer)."""
    params = load_params(ROOT / "params" / "as-of-2021.yml")
    module = claim_modules.MODULES[cid]
    tables = data_load.tables(module.READS, as_of=params.as_of)
    choices = getattr(params.multiverse, cid.lower())
    numbers = sample(specs.size(choices))
    block = specs.block_of(choices, numbers)
    estimates, codes = mv.evaluate_block(cid, module.prepare(tables, params), block, params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    assert differences(got, reference(cid, params, numbers, tables), numbers) == []


def test_c3_decided_in_blocks_without_an_indicator_or_its_window_equals_each_alone():
    """C3 on indicators of which one is missing, one too short for any window and one whose
    trade series differ: each specification untested, tested or not testable as alone."""
    params = BriefParams()
    module = claim_modules.MODULES["C3"]
    years = np.arange(2004, 2024)
    rising = pd.DataFrame({"year": years, "value": np.exp(0.05 * (years - 2004)) + 10.0})
    kinked = rising.assign(value=np.where(years < 2014, 50.0, 50.0 + 8.0 * (years - 2014)))
    noisy = kinked.assign(value=kinked["value"] + np.random.default_rng(3).normal(0, 5, 20))
    inputs = {
        "series": {"arms_tiv_china": noisy, "exercises": rising.iloc[-3:]},  # 3 years: no fit
        "trade": {"dots": kinked, "imts": rising.iloc[5:]},
        "trade_words": {"dots": "dots", "imts": "imts"},
        "later": [2022],
    }
    choices = params.multiverse.c3
    numbers = np.arange(specs.size(choices))
    block = specs.block_of(choices, numbers)
    estimates, codes = mv.evaluate_block("C3", inputs, block, params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    everything = mv.space(choices)
    want = []
    for i in numbers.tolist():
        estimate, verdict = module.evaluate(inputs, dict(everything[i]), params)
        want.append((math.nan if estimate is None else float(estimate), verdict))
    assert differences(got, want, numbers) == []
    assert len({v for _, v in want}) >= 3
    del inputs["series"]["exercises"]  # an indicator with no frame at all: untested
    estimates, codes = mv.evaluate_block("C3", inputs, block, params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    want = [
        (math.nan if e is None else float(e), v)
        for e, v in (module.evaluate(inputs, dict(everything[i]), params) for i in numbers)
    ]
    assert differences(got, want, numbers) == []


@pytest.mark.parametrize("rows", [slice(0, 0), slice(0, 5), slice(0, 12), slice(None, None, 3)])
def test_c5_decided_in_blocks_on_fewer_exercises_equals_each_specification_alone(rows: slice):
    """C5 on no exercises, on the first few (too few years for some trends) and on every third
    one: each specification's estimate and verdict as alone."""
    params = BriefParams()
    module = claim_modules.MODULES["C5"]
    tables = {"exercises": data("C5")["exercises"].iloc[rows].reset_index(drop=True)}
    choices = params.multiverse.c5
    numbers = np.arange(specs.size(choices))
    estimates, codes = mv.evaluate_block(
        "C5", module.prepare(tables, params), specs.block_of(choices, numbers), params
    )
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    assert differences(got, reference("C5", params, numbers, tables), numbers) == []


def alone(cid: str, inputs: dict, params: BriefParams) -> tuple[list, list, np.ndarray]:
    """(got, want, numbers): every specification of the claim's space decided as one block and
    each alone (the module's ``evaluate``) on the same ``inputs``."""
    module = claim_modules.MODULES[cid]
    choices = getattr(params.multiverse, cid.lower())
    numbers = np.arange(specs.size(choices))
    estimates, codes = mv.evaluate_block(cid, inputs, specs.block_of(choices, numbers), params)
    got = [(e, VERDICTS[c]) for e, c in zip(estimates.tolist(), codes.tolist(), strict=True)]
    everything = mv.space(choices)
    want = [
        (math.nan if e is None else float(e), v)
        for e, v in (module.evaluate(inputs, dict(everything[i]), params) for i in numbers)
    ]
    return got, want, numbers


@pytest.mark.parametrize("cid", ["C4", "C7"])
@pytest.mark.parametrize("brief", sorted(p.name for p in (ROOT / "params").glob("*.yml")))
def test_c4_and_c7_decided_in_blocks_equal_each_alone_in_every_brief(cid: str, brief: str):
    """Every brief of ``params/`` on the data it reads (the brief as of 2021 on its shorter
    series; the CRINK brief's four suppliers for C7): each specification as alone."""
    params = load_params(ROOT / "params" / brief)
    module = claim_modules.MODULES[cid]
    tables = data_load.tables(module.READS, getattr(module, "INDICATORS", None), as_of=params.as_of)
    got, want, numbers = alone(cid, module.prepare(tables, params), params)
    assert differences(got, want, numbers) == []


def _c4_inputs(flow_years, share_years, order_years) -> dict:
    flow = pd.DataFrame({"year": flow_years, "value": [100.0 + 7.0 * (y % 5) for y in flow_years]})
    share = pd.DataFrame(
        {"year": share_years, "share": [0.35 + 0.01 * (y % 30) for y in share_years]}
    )
    systems = pd.DataFrame({"system": ["Su-30"] * len(order_years), "year_order": order_years})
    return {"flow": flow, "share": share, "systems": systems}


@pytest.mark.parametrize(
    "inputs",
    [
        _c4_inputs(range(1995, 2024), range(1995, 2024), [2003, 2011]),  # a system late only
        _c4_inputs(range(2001, 2008), range(2005, 2024), []),  # a year before the plan only
        _c4_inputs(range(2002, 2024), [], [2002]),  # nothing before the plan, no share
        _c4_inputs([], [], []),  # no deliveries and no systems: the systems part untested
        {  # nothing delivered before the plan: no multiple; a share on the threshold
            "flow": pd.DataFrame({"year": range(1990, 2015), "value": [0.0] * 12 + [5.0] * 13}),
            "share": pd.DataFrame({"year": range(1990, 2015), "share": [0.5] * 25}),
            "systems": pd.DataFrame({"system": [], "year_order": []}),
        },
    ],
    ids=["late-system", "few-years", "no-before", "no-data", "zero-before"],
)
def test_c4_decided_in_blocks_on_edge_data_equals_each_specification_alone(inputs: dict):
    got, want, numbers = alone("C4", inputs, BriefParams())
    assert differences(got, want, numbers) == []


def _recipients(years, slope: float, seed: int) -> pd.DataFrame:
    years = np.asarray(list(years), dtype=int)
    noise = np.random.default_rng(seed).integers(-2, 3, len(years))
    return pd.DataFrame(
        {"year": years, "recipients": 20 + (slope * (years - 1995)).round() + noise}
    )


@pytest.mark.parametrize(
    "diffusion, counts",
    [
        (  # a supplier with too few years for some first years, one falling, one rising
            {"China": _recipients(range(2008, 2013), 1.0, 1),
             "Russia": _recipients(range(1992, 2025), -0.5, 2)},
            pd.DataFrame({"year": range(2000, 2025), "count": range(25)}),
        ),
        (  # no exercises at all, one supplier reversing since the report
            {"China": pd.concat([_recipients(range(1995, 2021), 0.8, 3),
                                 pd.DataFrame({"year": [2021, 2022, 2023, 2024],
                                               "recipients": [60, 50, 40, 30]})]),
             "Russia": _recipients([], 0.0, 4)},
            pd.DataFrame(),
        ),
        (  # no suppliers: the exercises only, flat with a gap
            {},
            pd.DataFrame({"year": [2001, 2002, 2006, 2015, 2016, 2023], "count": [3] * 6}),
        ),
        (  # four suppliers (the CRINK brief's), one without deliveries
            {"China": _recipients(range(1992, 2025), 0.3, 5),
             "Russia": _recipients(range(1992, 2025), 0.0, 6),
             "Iran": _recipients(range(2003, 2025), 0.1, 7),
             "North Korea": _recipients([], 0.0, 8)},
            pd.DataFrame({"year": range(1995, 2025), "count": [5 + y % 4 for y in range(30)]}),
        ),
    ],
    ids=["too-few-years", "no-exercises", "no-suppliers", "four-suppliers"],
)  # fmt: skip
def test_c7_decided_in_blocks_on_edge_data_equals_each_specification_alone(diffusion, counts):
    got, want, numbers = alone("C7", {"diffusion": diffusion, "counts": counts}, BriefParams())
    assert differences(got, want, numbers) == []


def test_blocks_cover_the_space_once_each_sharing_what_it_computes_once():
    choices = BriefParams().multiverse.c1
    by = claim_modules.MODULES["C1"].GROUP_BY
    blocks = list(mv.blocks("C1", choices))
    assert len(blocks) == math.prod(len(getattr(choices, b)) for b in by) == 30
    numbers = np.concatenate([b.index for b in blocks])
    assert sorted(numbers.tolist()) == list(range(specs.size(choices)))
    everything = mv.space(choices)
    for b in blocks:
        made = list(b.specs())
        assert made == [everything[i] for i in b.index.tolist()]
        assert len({tuple(s[k] for k in by) for s in made}) == 1
    plain = list(mv.blocks("C3", BriefParams().multiverse.c3))  # no GROUP_BY: runs of BATCH
    assert [len(b) for b in plain] == [160] and plain[0].index.tolist() == list(range(160))
    by_window = list(mv.blocks("C8", BriefParams().multiverse.c8))  # GROUP_BY: the window
    assert [len(b) for b in by_window] == [81, 81, 81]


class Shuffled(ThreadPoolExecutor):
    """Two threads, each block held back a random moment first: blocks finish out of order."""

    def __init__(self) -> None:
        super().__init__(2)
        self.rng = random.Random(21)
        self.finished: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        pause = self.rng.uniform(0, 0.02)

        def late():
            time.sleep(pause)
            out = fn(*args, **kwargs)
            self.finished.append(int(args[2].index[0]))
            return out

        return super().submit(late)


def test_the_table_is_the_same_whatever_order_the_blocks_finish_in():
    params = BriefParams()
    serial, own = mv.run(data("C1"), params, only=["C1"])
    with Shuffled() as pool:
        parallel, own_parallel = mv.run(data("C1"), params, only=["C1"], executor=pool)
    assert len(pool.finished) == 30
    assert parallel.equals(serial) and own_parallel == own


class Scattering(ThreadPoolExecutor):
    """An executor like a dask client's: the inputs are scattered once, blocks name them."""

    def __init__(self) -> None:
        super().__init__(2)
        self.scattered: list[object] = []
        self.received: set[int] = set()
        self._client = self

    def scatter(self, values, broadcast=False, hash=True):
        assert broadcast and not hash
        self.scattered.extend(values)
        return [("scattered", len(self.scattered) - 1)]

    def submit(self, fn, /, cid, inputs, block, params):
        self.received.add(id(inputs))
        return super().submit(fn, cid, self.scattered[inputs[1]], block, params)


def test_a_dask_executor_gets_the_inputs_once_and_every_block_names_them():
    params = BriefParams()
    serial, _ = mv.run(data("C1"), params, only=["C1"])
    with Scattering() as pool:
        table, _ = mv.run(data("C1"), params, only=["C1"], executor=pool)
    assert len(pool.scattered) == 1 and len(pool.received) == 1
    assert table.equals(serial)
