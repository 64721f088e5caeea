"""Country codes: the one table (``data/countries.csv``) and the mapper every source uses.

``build_countries(raw_dir)`` makes ``data/countries.csv`` (``iso3, name, iso2, cow_ccode, kind``)
from ISO 3166 (``pycountry``), the World Bank WDI codes and names (WDI codes that are not ISO
3166 are World Bank aggregates, ``kind=aggregate``; ``WLD`` is the world), the IMF WEO codes,
the ``ccode``/``iso3c`` pairs in Voeten's ideal-point file and the COW state list. Historical
states keep their own codes (``SUN``, ``YUG``, ``CSK``, ``DDR``, ``YAR``, ``YMD``, ``SCG``).

COW codes that changed meaning take a year (:data:`COW_BY_YEAR`): ccode 365 is the Soviet Union
(``SUN``) through 1991 and Russia (``RUS``) from 1992; 345 is Yugoslavia (``YUG``) through 1991,
Serbia and Montenegro (``SCG``) 1992-2005, Serbia (``SRB``) from 2006. Without a year a COW code
gives today's state.

``CountryMapper`` resolves a source's key (name, code or ccode) to ISO3, in this order: the
source's alias file ``analysis/data/aliases/<source>.csv`` (``alias, iso3, note``; the alias may
be ``key:YYYY-YYYY`` for rules that hold in some years only; an empty iso3 means "deliberately
not a country"), the ISO3 code itself, the ISO2 code, the exact country name (case-insensitive)
and, for COW-coded sources (:data:`COW_SOURCES`), the COW ccode.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.errors import BriefError

ALIASES_DIR = Path(__file__).resolve().parent / "aliases"
COLUMNS = ["iso3", "name", "iso2", "cow_ccode", "kind"]
KINDS = ("country", "historical", "aggregate")
ALIAS_COLUMNS = ["alias", "iso3", "note"]
COW_SOURCES = frozenset({"cow_nmc", "cow_states", "voeten"})

# Raw files the builder reads (relative to the raw dir).
WDI_FILE = "wdi/sp.pop.totl.csv"
WEO_FILE = "imf_weo/weo_2025oct_selected_concepts.csv"
VOETEN_FILE = "voeten_unga/IdealpointsJuly2025.dta"
COW_FILE = "cow_states/states2016.csv"
RAW_FILES = (WDI_FILE, WEO_FILE, VOETEN_FILE, COW_FILE)

# Historical states: iso3 -> (name, iso2, COW ccode). ISO 3166-3 codes where one exists; YAR
# (North Yemen) and RVN (South Vietnam) have none and keep the codes the sources use.
HISTORICAL = {
    "SUN": ("Soviet Union", "SU", 365),
    "YUG": ("Yugoslavia", "YU", 345),
    "CSK": ("Czechoslovakia", "", 315),  # ISO2 'CS' was reused for SCG: left empty
    "DDR": ("German Democratic Republic", "DD", 265),
    "YAR": ("Yemen Arab Republic", "", 678),
    "YMD": ("Yemen People's Republic", "YD", 680),
    "SCG": ("Serbia and Montenegro", "", 345),
    "VDR": ("North Vietnam", "VD", None),  # COW 816 continues as VNM
    "RVN": ("South Vietnam", "", 817),  # no ISO code; COW's abbreviation
    "ANT": ("Netherlands Antilles", "AN", None),
}
# COW codes whose state changed: ccode -> [(first year, last year, iso3)], inclusive.
COW_BY_YEAR = {
    365: [(1816, 1991, "SUN"), (1992, 9999, "RUS")],
    345: [(1816, 1991, "YUG"), (1992, 2005, "SCG"), (2006, 9999, "SRB")],
    260: [(1816, 1990, "DEU")],  # German Federal Republic: continued as DEU (255 from 1990)
    255: [(1816, 9999, "DEU")],
    678: [(1816, 1990, "YAR")],
    680: [(1816, 1990, "YMD")],
    679: [(1990, 9999, "YEM")],
}
# Today's ccode of a current state where Voeten's pairs are ambiguous.
CURRENT_CCODE = {"RUS": 365, "DEU": 255, "SRB": 345, "YEM": 679}
# Current codes outside ISO 3166 that sources use.
EXTRA_COUNTRIES = {"XKX": ("Kosovo", "XK")}
NOT_COUNTRIES_WDI = {"CHI": "Channel Islands: a World Bank grouping of Jersey and Guernsey"}


def _iso_countries() -> pd.DataFrame:
    import pycountry

    rows = [
        {"iso3": c.alpha_3, "name": getattr(c, "common_name", c.name), "iso2": c.alpha_2}
        for c in pycountry.countries
    ]
    return pd.DataFrame(rows)


def _read(raw_dir: Path, rel: str, **kw) -> pd.DataFrame:
    path = Path(raw_dir) / rel
    if not path.is_file():
        raise BriefError(f"{path}: raw file not found; expected {rel} under the raw data folder")
    if rel.endswith(".dta"):
        return pd.read_stata(path, columns=["ccode", "iso3c", "year"])
    return pd.read_csv(path, dtype="str", keep_default_na=False, **kw)


def build_countries(raw_dir: Path) -> pd.DataFrame:
    """The country table, sorted by iso3 (see the module docstring for the rules)."""
    iso = _iso_countries().set_index("iso3")
    wdi = _read(raw_dir, WDI_FILE, usecols=["Country Name", "Country Code"])
    wdi = wdi.drop_duplicates("Country Code").set_index("Country Code")["Country Name"]
    weo = set(_read(raw_dir, WEO_FILE, usecols=["ref_area"])["ref_area"])
    cow = _read(raw_dir, COW_FILE, usecols=["ccode", "statenme"])
    cow_codes = set(cow["ccode"].astype(int))

    rows: dict[str, dict] = {}
    for iso3, r in iso.iterrows():
        rows[iso3] = {"name": wdi.get(iso3, r["name"]), "iso2": r["iso2"], "kind": "country"}
    for iso3, (name, iso2) in EXTRA_COUNTRIES.items():
        rows[iso3] = {"name": wdi.get(iso3, name), "iso2": iso2, "kind": "country"}
    for code, name in wdi.items():
        if code not in rows:  # a World Bank aggregate (WLD is the world)
            rows[code] = {"name": name, "iso2": "", "kind": "aggregate"}
    missing_weo = sorted(c for c in weo if re.fullmatch(r"[A-Z]{3}", c) and c not in rows)
    # WEO's own codes (KOS Kosovo, WBG West Bank and Gaza) are mapped by its alias file.
    missing_weo = [c for c in missing_weo if c not in ("KOS", "WBG")]
    if missing_weo:
        raise BriefError(f"{WEO_FILE}: codes {missing_weo} are not ISO3; expected ISO 3166 codes")
    for iso3, (name, iso2, _) in HISTORICAL.items():
        rows[iso3] = {"name": name, "iso2": iso2, "kind": "historical"}

    # COW ccodes: Voeten's (ccode, iso3c) pairs for current states, then the fixed ones.
    pairs = _read(raw_dir, VOETEN_FILE).dropna(subset=["ccode"])
    pairs = pairs[pairs["iso3c"].astype(str).str.fullmatch(r"[A-Z]{3}")]
    pairs = pairs.assign(ccode=pairs["ccode"].astype(int)).drop_duplicates(["ccode", "iso3c"])
    fixed_codes = {c for _, _, c in HISTORICAL.values()} | set(COW_BY_YEAR)
    ccode: dict[str, int] = {}
    for c, iso3 in zip(pairs["ccode"], pairs["iso3c"], strict=True):
        if c in fixed_codes or iso3 in CURRENT_CCODE or iso3 not in rows:
            continue
        if iso3 in ccode and ccode[iso3] != c:
            raise BriefError(f"{VOETEN_FILE}: iso3c {iso3} has ccodes {ccode[iso3]} and {c}")
        ccode[iso3] = c
    ccode.update(CURRENT_CCODE)
    ccode.update({iso3: c for iso3, (_, _, c) in HISTORICAL.items() if c is not None})
    unknown = sorted(c for c in ccode.values() if c not in cow_codes)
    if unknown:
        raise BriefError(f"{COW_FILE}: ccodes {unknown} missing; expected every ccode listed")

    out = pd.DataFrame(
        [{"iso3": k, **v, "cow_ccode": ccode.get(k)} for k, v in rows.items()]
    ).sort_values("iso3", ignore_index=True)
    out["cow_ccode"] = out["cow_ccode"].astype("Int64")
    return out[COLUMNS]


#: An alias key with the years it holds in: ``key:YYYY`` or ``key:YYYY-YYYY``.
_SPAN = re.compile(r"(?P<key>.+?):(?P<y0>\d{4})(?:-(?P<y1>\d{4}))?")
EVERY_YEAR = (0, 9999)


def alias_span(alias: str, where: str) -> tuple[str, int, int]:
    """An alias and the years it holds in, the one reading of every alias file: ``key`` (every
    year), ``key:YYYY`` (that year only), ``key:YYYY-YYYY`` (inclusive). A colon not followed by
    years is part of the key (``China, P.R.: Hong Kong``); a span that ends before it starts is
    one error naming the file."""
    m = _SPAN.fullmatch(alias)
    if m is None:
        return alias, *EVERY_YEAR
    y0, y1 = int(m["y0"]), int(m["y1"] or m["y0"])
    if y1 < y0:
        raise BriefError(
            f"{where}: alias {alias!r}: the years run from {y0} back to {y1}; expected "
            "'key:YYYY' or 'key:YYYY-YYYY' from a year to a later one"
        )
    return m["key"], y0, y1


def read_alias_file(path: Path) -> pd.DataFrame:
    """One alias file, checked: columns ``alias, iso3, note``, a note on every row, each year
    span readable (:func:`alias_span`)."""
    where = f"analysis/data/aliases/{path.name}"
    df = pd.read_csv(path, dtype="str", keep_default_na=False)
    if list(df.columns) != ALIAS_COLUMNS:
        raise BriefError(f"{where}: columns {list(df.columns)}; expected {ALIAS_COLUMNS}")
    dup = df["alias"].duplicated()
    if dup.any():
        i = int(dup.idxmax())
        raise BriefError(f"{where}: row {i + 2}: alias {df['alias'][i]!r} listed twice")
    for i, (alias, iso3, note) in enumerate(df.itertuples(index=False), start=2):
        if not alias:
            raise BriefError(f"{where}: row {i}: empty alias; expected a name or code")
        if iso3 and not re.fullmatch(r"[A-Z]{3}", iso3):
            raise BriefError(f"{where}: row {i}: iso3 {iso3!r}; expected 3 capital letters")
        if not iso3 and not note:
            raise BriefError(f"{where}: row {i}: empty iso3 without a note saying why")
        alias_span(alias, f"{where}: row {i}")
    return df


def read_aliases(aliases_dir: Path = ALIASES_DIR) -> pd.DataFrame:
    """Every alias file, with a ``source`` column (the file's stem), sorted."""
    frames = [
        read_alias_file(p).assign(source=p.stem) for p in sorted(Path(aliases_dir).glob("*.csv"))
    ]
    if not frames:
        return pd.DataFrame(columns=["source", *ALIAS_COLUMNS])
    out = pd.concat(frames, ignore_index=True)[["source", *ALIAS_COLUMNS]]
    return out.sort_values(["source", "alias"], ignore_index=True)


class NotACountry(BriefError):
    """The key is listed in the source's alias file as deliberately not a country."""


def _cow_state(code: int, year: int | None) -> str | None:
    rules = COW_BY_YEAR.get(code)
    if rules is None:
        return None
    if year is None:
        return rules[-1][2]
    return next((iso3 for y0, y1, iso3 in rules if y0 <= year <= y1), None)


class CountryMapper:
    """Source keys -> ISO3 (see the module docstring for the order of the rules)."""

    def __init__(self, countries: pd.DataFrame, aliases: pd.DataFrame):
        self.countries = countries
        self.codes = set(countries["iso3"])
        self.iso2 = {r: c for c, r in zip(countries["iso3"], countries["iso2"], strict=True) if r}
        self.names = {
            n.casefold(): c for c, n in zip(countries["iso3"], countries["name"], strict=True)
        }
        cc = countries.dropna(subset=["cow_ccode"])
        self.ccodes = {int(c): i for i, c in zip(cc["iso3"], cc["cow_ccode"], strict=True)}
        self.rules: dict[str, dict[str, list[tuple[int, int, str, str]]]] = {}
        for src, alias, iso3, note in aliases[["source", *ALIAS_COLUMNS]].itertuples(index=False):
            key, y0, y1 = alias_span(alias, f"analysis/data/aliases/{src}.csv")
            self.rules.setdefault(src, {}).setdefault(key, []).append((y0, y1, iso3, note))

    @classmethod
    def from_files(
        cls, countries_csv: Path | None = None, aliases_dir: Path = ALIASES_DIR
    ) -> CountryMapper:
        if countries_csv is None:
            from analysis import paths

            countries_csv = paths.data_dir() / "countries.csv"
        if not Path(countries_csv).is_file():
            raise BriefError(
                f"{countries_csv}: country table not found; `brief data curate` rebuilds it"
            )
        countries = pd.read_csv(
            countries_csv, dtype={"cow_ccode": "Int64"}, keep_default_na=False, na_values=[""]
        ).fillna({"iso2": "", "name": ""})
        return cls(countries, read_aliases(aliases_dir))

    def _lookup(self, source: str, key, year: int | None) -> tuple[str | None, str]:
        """(iso3 or '' for a deliberate non-country or None if unknown, note)."""
        rules = self.rules.get(source, {}).get(str(key))
        if rules:
            if year is None:
                hit = next((r for r in rules if r[2]), rules[0])
                return hit[2], hit[3]
            hits = [r for r in rules if r[0] <= year <= r[1]]
            if hits:
                return hits[0][2], hits[0][3]
            return None, ""
        if isinstance(key, str):
            k = key.strip()
            if k in self.codes:
                return k, ""
            if k in self.iso2:
                return self.iso2[k], ""
            if k.casefold() in self.names:
                return self.names[k.casefold()], ""
        if source in COW_SOURCES:
            try:
                code = int(key)
            except (TypeError, ValueError):
                return None, ""
            state = _cow_state(code, year)
            if state is not None:
                return state, ""
            return self.ccodes.get(code), ""
        return None, ""

    def _unknown(self, source: str, key, year: int | None) -> BriefError:
        at = "" if year is None else f" in {year}"
        return BriefError(
            f"{source}: unknown country {key!r}{at}; add a row to "
            f"analysis/data/aliases/{source}.csv (alias,iso3,note)"
        )

    def to_iso3(self, source: str, key, year: int | None = None) -> str:
        """ISO3 for one key. A key listed as not a country raises :class:`NotACountry`, except
        a year rule (``key:YYYY-YYYY`` with empty iso3) for a key that is a country in other
        years, which returns ``""`` (no state for that year, e.g. COW 260 in 1990)."""
        iso3, note = self._lookup(source, key, year)
        if iso3 is None:
            raise self._unknown(source, key, year)
        if iso3 == "":
            rules = self.rules.get(source, {}).get(str(key), [])
            if year is not None and any(r[2] for r in rules):
                return ""
            raise NotACountry(
                f"{source}: {key!r} is listed in analysis/data/aliases/{source}.csv as not a "
                f"country ({note}); use map_series(..., unknown='drop') to leave it out"
            )
        return iso3

    def map_series(
        self, source: str, series: Iterable, *, unknown: str = "raise"
    ) -> tuple[pd.Series, list]:
        """ISO3 per element (None where dropped) and the sorted dropped keys: keys listed as
        not a country, and, with ``unknown="drop"``, unknown keys. Unique values mapped once."""
        if unknown not in ("raise", "drop"):
            raise ValueError(f"unknown={unknown!r}; expected 'raise' or 'drop'")
        s = series if isinstance(series, pd.Series) else pd.Series(list(series), dtype="object")
        codes = {k: self._lookup(source, k, None)[0] for k in pd.unique(s)}
        missing = [k for k, v in codes.items() if v is None]
        if missing and unknown == "raise":
            raise self._unknown(source, sorted(missing, key=str)[0], None)
        dropped = sorted((k for k, v in codes.items() if not v), key=str)
        mapped = s.map(lambda k: codes[k] or None)
        return mapped.astype("object"), dropped


def check_known(countries: CountryMapper | None, source: str, codes: Iterable) -> None:
    """With a CountryMapper, every ISO3 code a source produced must resolve in the country table
    (one ``BriefError`` naming the first that does not); without one (unit tests) nothing."""
    if countries is None:
        return
    known = sorted({c for c in codes if c})
    countries.map_series(source, pd.Series(known, dtype="object"), unknown="raise")
