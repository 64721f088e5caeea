"""IMF World Economic Outlook, the nine releases before October 2025 (April 2021 to April 2025).

Read from the ``data_YYMM.rda`` files of the R package {imfweo} (``../shared/data/vintages/
imf_weo/``, see its ``SOURCES.md``), one data frame per file with columns ``unit, concept,
ref_area, freq, lastactualdate, scale, notes, year, value``. Each release becomes its own table,
``data/vintages/imf_weo/<release>.csv`` (``release, iso3, year, indicator, value, flag``), with
the same four indicators, units and projection flags as the October 2025 release
(:mod:`.imf_weo`, whose parser this module reuses).

What differs from October 2025, and how it is read:

- **Area codes** are the IMF's numeric codes. They are translated to the October 2025 codes by
  the concordance built from the April 2025 and October 2025 releases
  (:mod:`analysis.data.concordance`; written to ``data/weo_codes.csv``), then to ISO3 exactly as
  :mod:`.imf_weo` does (World kept as ``WLD``, every other group dropped). A code the
  concordance cannot match must be listed in ``aliases/imf_weo_vintages.csv``.
- **Scales** are multipliers (``1000000000`` or ``1e9``; ``NULL`` for percentages) instead of
  powers of ten; each is converted to its power, and a scale that is no power of ten is an error.
- **Last actual years** are numbers or text (``0`` in a few rows of October 2023, read as not
  stated); an area without one (World) takes the year before the release's year.
- A missing value gives no row.

After translation, every release is checked against October 2025 (:func:`check_release`): for
each country, its population in the years both hold as history must agree with October 2025's
within :data:`POP_TOLERANCE` (median ratio), so a wrong code (two countries swapped) fails
curation instead of moving a brief.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.data import concordance as conc
from analysis.data.sources import common, imf_weo
from analysis.errors import BriefError

SOURCE_ID = "imf_weo_vintages"
#: The source these are earlier releases of (the indicator ids and units are its own).
OF = imf_weo.SOURCE_ID
FOLDER = "imf_weo"
#: release -> file in the vintages folder's imf_weo/ (the release ids of the .meta.yml).
RELEASES: dict[str, str] = {
    "2021-04": "data_2104_cut.rda",
    "2021-10": "data_2110.rda",
    "2022-04": "data_2204.rda",
    "2022-10": "data_2210.rda",
    "2023-04": "data_2304.rda",
    "2023-10": "data_2310.rda",
    "2024-04": "data_2404.rda",
    "2024-10": "data_2410.rda",
    "2025-04": "data_2504.rda",
}
#: The numeric release matched against October 2025 (the raw folder's ``imf_weo.RDA_FILE``).
CONCORDANCE_RELEASE = "2025-04"
ALIAS_FILE = common.alias_file(SOURCE_ID)
VINTAGE_FILES = [f"{FOLDER}/{f}" for f in RELEASES.values()]
# what the data is (publisher, version, licence, caveats, releases and their dates) is in
# imf_weo_vintages.meta.yml beside this file
SOURCE, _ = common.source_metadata(SOURCE_ID, [imf_weo.RDA_FILE])
SOURCE["vintage_files"] = VINTAGE_FILES
COLUMNS = ["ref_area", "lastactualdate", "scale", "concept", "year", "value"]
#: Population may be revised; a median ratio beyond this is a wrong code, not a revision.
POP_TOLERANCE = 0.15
CHECK_FROM, CHECK_LAG = 1990, 3  # years compared: 1990 to three years before the release


def unmatched_codes(alias_file: Path = ALIAS_FILE) -> dict[str, str]:
    """Numeric codes listed as having no October 2025 counterpart -> why."""
    aliases = common.read_alias_file(alias_file)
    listed = aliases[aliases["iso3"].eq("")]
    return dict(zip(listed["alias"], listed["note"], strict=True))


def scale_power(value, where: str) -> int:
    """A release's ``scale`` as a power of ten: ``"1000000000"``, ``1e9`` -> 9; ``"NULL"``,
    ``1`` -> 0. Anything else is a ``BriefError``."""
    if isinstance(value, str):
        text = value.strip()
        if text in ("NULL", ""):
            return 0
        try:
            value = float(text)
        except ValueError:
            raise BriefError(f"{where}: scale {text!r} is not a number") from None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    power = round(math.log10(value)) if value > 0 else None
    if power is None or not math.isclose(10.0**power, float(value), rel_tol=1e-12):
        raise BriefError(f"{where}: scale {value!r}; expected a power of ten (1, 1e6, 1e9)")
    return int(power)


def _year_text(value) -> str:
    """``lastactualdate`` as the October 2025 text: 2020 / 2020.0 / "2020" -> "2020"; NA and
    ``0`` (stored for a few areas in October 2023) -> "" (not stated)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value in (0, "0"):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_release(path: Path, where: str) -> pd.DataFrame:
    """One release's rows in the form :func:`.imf_weo.parse_weo` reads (``scale`` as a power).

    A missing or unreadable file, a missing column or a bad scale is one ``BriefError`` naming
    the file."""
    if not path.is_file():
        raise BriefError(f"{where}: earlier WEO release not found; expected the file listed in "
                         "the vintages folder's SOURCES.md")  # fmt: skip
    df = common.read_rda(path, "IMF WEO release (R data file)", where=where)
    common.require_columns(df, COLUMNS, where)
    df = df[COLUMNS].copy()
    df = df[df["concept"].isin(list(imf_weo.CONCEPTS)) & pd.to_numeric(df["value"]).notna()]
    powers = {s: scale_power(s, where) for s in pd.unique(df["scale"].astype("object"))}
    return pd.DataFrame(
        {
            "ref_area": df["ref_area"].astype(str).str.strip().to_numpy(),
            "lastactualdate": df["lastactualdate"].astype("object").map(_year_text).to_numpy(),
            "scale": df["scale"].astype("object").map(powers).to_numpy(),
            "concept": df["concept"].astype(str).to_numpy(),
            "year": pd.to_numeric(df["year"]).astype(int).to_numpy(),
            "value": pd.to_numeric(df["value"]).to_numpy(),
        }
    )


def build_concordance(raw_dir: Path, vintages_dir: Path) -> pd.DataFrame:
    """The checked concordance of April 2025's numeric codes to October 2025's codes."""
    old_path = vintages_dir / FOLDER / RELEASES[CONCORDANCE_RELEASE]
    new_path = Path(raw_dir) / imf_weo.RDA_FILE
    where = f"{old_path.name} and {new_path.name}"
    if not old_path.is_file():
        raise BriefError(f"{FOLDER}/{old_path.name}: earlier WEO release not found (in "
                         f"{old_path.parent.parent}); expected the file listed in the vintages "
                         "folder's SOURCES.md")  # fmt: skip
    if not new_path.is_file():
        raise BriefError(f"{new_path}: raw file of source {OF!r} not found")
    old_where = f"{FOLDER}/{old_path.name}"
    old = common.read_rda(old_path, "IMF WEO release (R data file)", where=old_where)
    new = common.read_rda(new_path, "IMF WEO release (R data file)", where=imf_weo.RDA_FILE)
    for df, p in ((old, old_path), (new, new_path)):
        common.require_columns(df, ["ref_area", "concept", "year", "value"], p.name)
    return conc.concordance(old, new, unmatched_codes(), where)


def codes_table(table: pd.DataFrame, countries) -> pd.DataFrame:
    """``data/weo_codes.csv``: the concordance with each code's ISO3 (WLD for World, empty for
    a group) and the listed codes without a match, each with its note."""
    groups = imf_weo.listed_aggregates()
    iso3 = []
    for code in table["weo_code"]:
        if code == imf_weo.WORLD_CODE:
            iso3.append("WLD")
        elif imf_weo.is_aggregate(code):
            if code not in groups:
                raise BriefError(
                    f"data/weo_codes.csv: WEO group {code} is not listed in "
                    f"aliases/{OF}.csv; expected every group listed with an empty iso3"
                )
            iso3.append("")
        else:
            iso3.append(countries.to_iso3(OF, code))
    out = table.assign(area_iso3=iso3, note="")
    listed = unmatched_codes()
    extra = pd.DataFrame(
        {
            "imf_code": list(listed),
            "weo_code": "",
            "shared_values": 0,
            "runner_up": "",
            "runner_up_values": 0,
            "area_iso3": "",
            "note": list(listed.values()),
        }
    )
    cols = [*conc.COLUMNS[:2], "area_iso3", *conc.COLUMNS[2:], "note"]
    return pd.concat([out, extra], ignore_index=True)[cols].sort_values(
        "imf_code", ignore_index=True
    )


def release_indicators(
    release: str, path: Path, table: pd.DataFrame, countries, where: str
) -> pd.DataFrame:
    """One release as tidy indicator rows (``iso3, year, indicator, value, unit, source,
    flag``), its areas translated through the concordance."""
    raw = read_release(path, where)
    listed = unmatched_codes()
    raw = raw.assign(ref_area=conc.translate(raw["ref_area"], table, listed, where))
    raw = raw[raw["ref_area"].notna()]
    parsed = imf_weo.parse_weo(raw, where, default_last=int(release[:4]) - 1)
    kept, _ = imf_weo.split_aggregates(parsed, imf_weo.listed_aggregates(), where)
    return imf_weo.to_indicators(kept, countries, where)


def check_release(release: str, rows: pd.DataFrame, latest: pd.DataFrame, where: str) -> None:
    """Each country's population agrees with October 2025's in the history both hold (median
    ratio within :data:`POP_TOLERANCE`); else the concordance put a code on the wrong country."""
    last = int(release[:4]) - CHECK_LAG
    pick = ["iso3", "year", "value"]

    def pop(df: pd.DataFrame) -> pd.DataFrame:
        keep = (
            df["indicator"].eq("pop") & df["year"].between(CHECK_FROM, last) & df["iso3"].ne("WLD")
        )
        return df.loc[keep, pick]

    both = pop(rows).merge(pop(latest), on=["iso3", "year"], suffixes=("", "_latest"))
    ratio = (both["value"] / both["value_latest"]).groupby(both["iso3"]).median()
    bad = ratio[(ratio - 1).abs() > POP_TOLERANCE]
    if len(bad):
        iso3 = bad.index[0]
        raise BriefError(
            f"{where}: {iso3}'s population is {bad.iloc[0]:.2f} times October 2025's in "
            f"{CHECK_FROM}-{last}; expected the same country (within {POP_TOLERANCE:.0%}): "
            "check its code in data/weo_codes.csv"
        )


def curate(raw_dir: Path, countries, vintages_dir: Path) -> dict[str, pd.DataFrame]:
    """``vintages`` (every release, with its ``release`` column) and ``weo_codes``."""
    if countries is None:
        countries = common.AliasMapper(imf_weo.ALIAS_FILE, iso3_keys=True)
    vintages_dir = Path(vintages_dir)
    table = build_concordance(raw_dir, vintages_dir)
    latest = imf_weo.curate(raw_dir, countries)["indicators"]
    parts = []
    for release, name in RELEASES.items():
        path = vintages_dir / FOLDER / name
        where = f"{FOLDER}/{name}"
        rows = release_indicators(release, path, table, countries, where)
        check_release(release, rows, latest, where)
        parts.append(rows.assign(release=release))
    return {
        "vintages": pd.concat(parts, ignore_index=True),
        "weo_codes": codes_table(table, countries),
    }
