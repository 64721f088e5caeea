"""What the source modules share: their metadata files, reading raw files, alias files, checks.

Metadata ("metadata beside the step"): each source module ``<id>.py`` has ``<id>.meta.yml`` beside
it with what the data *is*: ``name`` (the source in a few words, as a brief names it),
``publisher, title, version, url, licence, retrieved`` (text; quote a date), ``refresh``
(``null`` when the publisher has no stable download URL, else a list of ``{file, url}``),
``caveats`` (a list of sentences), ``publication_lag`` (``{months, basis}``: how long after a
year ends the source usually publishes it), ``releases`` (the releases the module curates, each
``{release, label, published, date, date_note, url}``: data/releases.csv) and, for a source that
produces indicator rows, ``indicators: {id: {label, unit, description}}``; a source that adds
rows to the
``bilateral_trade`` table describes each flow it gives the same way, ``series: {export|import:
{label, unit, description}}``. :func:`source_metadata` reads it into the module's ``SOURCE``
record (plus ``id``, the module's ``raw_files`` and, for a trade source, ``series``) and
``INDICATORS``; the code keeps only the logic (file names, what each raw field becomes, scales,
parse rules).

Reading: every failure is one ``BriefError`` line naming the file and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml

from analysis.data.countries import ALIASES_DIR, alias_span, check_known, read_alias_file
from analysis.data.validate import INDICATOR_COLUMNS, TRADE_COLUMNS
from analysis.errors import BriefError

#: libyaml's safe loader where PyYAML was built with it (the same documents, read faster: the
#: 16 metadata files cost 0.12 s in pure Python, 0.05 s with it, in every process that loads data).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HERE = Path(__file__).resolve().parent
#: The columns of the ``indicators`` table a source's ``curate`` returns.
OUT_COLUMNS = INDICATOR_COLUMNS
TEXT_FIELDS = ("name", "publisher", "title", "version", "url", "licence", "retrieved")
INDICATOR_FIELDS = ("label", "unit", "description")
CSV_ERRORS = (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError)

# --- metadata -------------------------------------------------------------------------------


class Metadata(NamedTuple):
    """A source module's ``SOURCE`` record and ``INDICATORS`` (id -> label, unit, description)."""

    source: dict
    indicators: dict[str, dict[str, str]]


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        found = "nothing" if value is None else f"{type(value).__name__} {value!r}"
        raise BriefError(f"{where}: {found}; expected text (quote dates and numbers)")
    return value


def source_metadata(
    source_id: str,
    raw_files: Iterable[str],
    indicators: Sequence[str] = (),
    series: Sequence[str] = (),
) -> Metadata:
    """``SOURCE`` and ``INDICATORS`` of a source module, from ``<source_id>.meta.yml``.

    ``raw_files`` are the module's input files (relative to the raw folder); ``indicators`` the
    ids its code produces and ``series`` the trade flows it gives (``SOURCE["series"]``, only for
    a trade source), each exactly the ones the file describes (in that order). Each call returns
    new objects.
    """
    path = HERE / f"{source_id}.meta.yml"
    rel = f"analysis/data/sources/{path.name}"
    try:
        meta = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        said = f"{getattr(exc, 'problem', exc)}, line {mark.line + 1}" if mark else str(exc)
        raise BriefError(f"{rel}: cannot read the source's metadata ({said})") from exc
    required = [*TEXT_FIELDS, "refresh", "caveats", "publication_lag", "releases"]
    allowed = [*required, "indicators", "series"]
    if not isinstance(meta, dict) or set(meta) - set(allowed):
        extra = sorted(set(meta) - set(allowed)) if isinstance(meta, dict) else meta
        raise BriefError(f"{rel}: unexpected {extra!r}; expected a mapping of the keys {allowed}")
    if absent := [k for k in required if k not in meta]:
        raise BriefError(f"{rel}: key(s) {absent} missing; expected {required}")
    source = {"id": source_id, **{k: _text(meta[k], f"{rel}: {k}") for k in TEXT_FIELDS}}
    refresh, caveats = meta["refresh"], meta["caveats"]
    if refresh is not None and not isinstance(refresh, list):
        raise BriefError(f"{rel}: refresh {refresh!r}; expected null or a list of {{file, url}}")
    if not isinstance(caveats, list) or not caveats:
        raise BriefError(f"{rel}: caveats {caveats!r}; expected a list of sentences")
    source |= {
        "raw_files": list(raw_files),
        "refresh": refresh,
        "caveats": [_text(c, f"{rel}: caveats[{i}]") for i, c in enumerate(caveats)],
        "publication_lag": _lag(meta["publication_lag"], rel),
        "releases": _releases(meta["releases"], rel),
    }
    flows = _described(meta, "series", series, rel)
    if flows:
        source["series"] = flows
    return Metadata(source, _described(meta, "indicators", indicators, rel))


#: How a release's publication date is known: a cited page reports the publisher's release that
#: day (``announcement``); the release states it itself, in its file, package or codebook
#: (``release``); or only a date by which it was certainly public is known (``bound``: a month's
#: last day when only the month is known, else the day this project retrieved it).
DATE_BASES = ("announcement", "release", "bound")
RELEASE_FIELDS = ("release", "label", "published", "date", "date_note", "url")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _lag(lag, rel: str) -> dict:
    """``publication_lag: {months, basis}``: months from the end of a data year until the source
    usually publishes it (what cuts a single release back to an earlier date)."""
    if not isinstance(lag, dict) or set(lag) != {"months", "basis"}:
        raise BriefError(f"{rel}: publication_lag {lag!r}; expected {{months, basis}}")
    months = lag["months"]
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 120:
        raise BriefError(f"{rel}: publication_lag.months {months!r}; expected whole months 0..120")
    return {"months": months, "basis": _text(lag["basis"], f"{rel}: publication_lag.basis")}


def _releases(releases, rel: str) -> list[dict]:
    """``releases``: the source's releases this module curates, oldest first, each
    ``{release, label, published, date, date_note, url}`` (and ``partial``: what part of the
    release is held, when not all of it)."""
    if not isinstance(releases, list) or not releases:
        raise BriefError(f"{rel}: releases {releases!r}; expected a list of releases")
    out: list[dict] = []
    for i, r in enumerate(releases):
        at = f"{rel}: releases[{i}]"
        if not isinstance(r, dict) or not set(RELEASE_FIELDS) <= set(r) <= {
            *RELEASE_FIELDS,
            "partial",
        }:
            found = sorted(r) if isinstance(r, dict) else r
            raise BriefError(f"{at}: {found!r}; expected the keys {list(RELEASE_FIELDS)}")
        item = {k: _text(r[k], f"{at}.{k}") for k in RELEASE_FIELDS if k != "url"}
        if not ISO_DATE.match(item["published"]):
            raise BriefError(f"{at}.published: {item['published']!r}; expected YYYY-MM-DD")
        if item["date"] not in DATE_BASES:
            raise BriefError(f"{at}.date: {item['date']!r}; expected one of {list(DATE_BASES)}")
        url = r["url"] if r["url"] is not None else ""
        if not isinstance(url, str) or (url and not re.match(r"^https?://\S+$", url)):
            raise BriefError(f"{at}.url: {url!r}; expected '' or an http(s) URL")
        item["url"] = url
        item["partial"] = _text(r["partial"], f"{at}.partial") if "partial" in r else ""
        if out and item["published"] <= out[-1]["published"]:
            raise BriefError(f"{at}: published {item['published']}; expected oldest first")
        if any(o["release"] == item["release"] for o in out):
            raise BriefError(f"{at}: release {item['release']!r} listed twice")
        out.append(item)
    return out


def _described(meta: dict, key: str, ids: Sequence[str], rel: str) -> dict[str, dict[str, str]]:
    """``meta[key]`` (``indicators`` or ``series``): exactly ``ids``, each with a label, unit and
    description, in the order of ``ids``."""
    described = meta.get(key) or {}
    if not isinstance(described, dict) or set(described) != set(ids):
        found = sorted(described) if isinstance(described, dict) else described
        raise BriefError(
            f"{rel}: {key} {found!r}; expected exactly the ids the code produces {sorted(ids)}"
        )
    out = {}
    for ind in ids:
        info = described[ind]
        if not isinstance(info, dict) or set(info) != set(INDICATOR_FIELDS):
            found = sorted(info) if isinstance(info, dict) else info
            raise BriefError(
                f"{rel}: {key}.{ind}: {found!r}; expected exactly {list(INDICATOR_FIELDS)}"
            )
        out[ind] = {k: _text(info[k], f"{rel}: {key}.{ind}.{k}") for k in INDICATOR_FIELDS}
    return out


# --- reading raw files ----------------------------------------------------------------------


def read_csv_text(path: Path, what: str, where: str | None = None, **options) -> pd.DataFrame:
    """A raw CSV with every cell as text (an empty cell is ``""``, never NaN).

    A file that cannot be read is one ``BriefError`` naming it (``where``, default the file's
    name) and ``what`` it should have been; ``options`` go to ``pandas.read_csv``.
    """
    try:
        return pd.read_csv(path, dtype="str", keep_default_na=False, **options)
    except CSV_ERRORS as exc:
        raise BriefError(f"{where or path.name}: cannot read {what} ({exc})") from exc


def require_columns(
    df: pd.DataFrame, need: Sequence[str], where: str, expected: str | None = None
) -> None:
    """``BriefError`` unless ``df`` has every column of ``need``: ``missing column(s) [...]``;
    ``expected`` words what was (default ``need``)."""
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise BriefError(f"{where}: missing column(s) {missing}; expected {expected or list(need)}")


def read_rda(
    path: Path, what: str = "R data file", name: str | None = None, where: str | None = None
) -> pd.DataFrame:
    """The data frame an R ``.rda`` file holds: the object ``name``, or without one its only
    object (read with pyreadr); errors name the file as ``where`` (default its name)."""
    import pyreadr

    try:
        frames = pyreadr.read_r(str(path))
    except (
        OSError,
        pyreadr.custom_errors.PyreadrError,
        pyreadr.custom_errors.LibrdataError,
    ) as exc:
        raise BriefError(f"{where or path.name}: cannot read {what} ({exc})") from exc
    if name is None:
        if len(frames) != 1:
            raise BriefError(
                f"{where or path.name}: holds {len(frames)} objects; expected one data frame"
            )
        return next(iter(frames.values()))
    if name not in frames:
        raise BriefError(f"{where or path.name}: object {name!r} not found; found {list(frames)}")
    return frames[name]


def first_duplicate(df: pd.DataFrame, key: Sequence[str]) -> pd.Series | None:
    """The first row whose ``key`` another row shares (to name in an error), else None."""
    dup = df.duplicated(list(key), keep=False)
    return df[dup].iloc[0] if dup.any() else None


def iso3_with_world(countries, source_id: str, keys: pd.Series, world) -> pd.Series:
    """ISO3 of each key: ``WLD`` for the source's own world key ``world``, else the country
    mapper's code (an unknown key is its ``BriefError``)."""
    is_world = keys.eq(world)
    iso3 = pd.Series("WLD", index=keys.index, dtype="object")
    if (~is_world).any():
        mapped, _ = countries.map_series(source_id, keys[~is_world], unknown="raise")
        iso3[~is_world] = mapped.to_numpy()
    return iso3


def sort_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows in key order (``iso3, year, indicator``), numbered from 0."""
    return df.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)


def unique_indicators(df: pd.DataFrame, where: str, what: str) -> pd.DataFrame:
    """:func:`sort_indicators`, after checking that no two rows share a key: two of the source's
    ``what`` (e.g. ``"WEO areas"``) mapped to one ISO3 code are a ``BriefError``."""
    r = first_duplicate(df, ["iso3", "year", "indicator"])
    if r is not None:
        raise BriefError(
            f"{where}: two {what} map to {r['iso3']} ({r['indicator']} {r['year']}); expected "
            "one per ISO3 code, indicator and year"
        )
    return sort_indicators(df)


# --- alias files (analysis/data/aliases/<source>.csv: alias, iso3, note) ----------------------


def alias_file(source_id: str) -> Path:
    return ALIASES_DIR / f"{source_id}.csv"


def not_countries_in(path: Path) -> set[str]:
    """The keys an alias file lists as deliberately not countries (empty iso3)."""
    aliases = read_alias_file(path)
    return set(aliases.loc[aliases["iso3"].eq(""), "alias"])


def alias_codes(path: Path) -> dict[str, str]:
    """alias -> iso3 (``""``: deliberately not a country)."""
    aliases = read_alias_file(path)
    return dict(zip(aliases["alias"], aliases["iso3"], strict=True))


def year_rules(path: Path, column: str, word: str, key_type: type = str) -> pd.DataFrame:
    """``key[:from[-to]]`` alias keys -> rules ``(column, y0, y1, iso3)``, years inclusive
    (no years: all of them; one year: only it). ``word`` names the key in the error."""
    aliases = read_alias_file(path)
    rules = []
    for key, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
        name, y0, y1 = alias_span(key, f"aliases/{path.name}")
        try:
            rules.append((key_type(name), y0, y1, iso3))
        except ValueError as exc:
            raise BriefError(
                f"aliases/{path.name}: alias {key!r} is not '{word}' or '{word}:from-to'"
            ) from exc
    return pd.DataFrame(rules, columns=[column, "y0", "y1", "iso3"])


class AliasMapper:
    """Fallback country mapper for the macro sources, built from one source's alias file.

    Used when ``curate`` gets ``countries=None`` (no project-wide CountryMapper). Alias keys are
    ``key`` or ``key:from-to`` (years, inclusive; the same convention as ``aliases/voeten.csv``);
    an empty iso3 means "deliberately not a country" and the key is dropped. With
    ``iso3_keys=True`` a key that is not in the file but looks like an ISO3 code maps to itself.
    """

    def __init__(self, alias_file: Path, *, iso3_keys: bool = False):
        aliases = read_alias_file(alias_file)
        self.where = f"aliases/{alias_file.name}"
        self.iso3_keys = iso3_keys
        self.rules: dict[str, list[tuple[int, int, str]]] = {}
        for key, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
            name, y0, y1 = alias_span(key, self.where)
            self.rules.setdefault(name, []).append((y0, y1, iso3))

    def _lookup(self, key, year: int | None) -> str | None:
        rules = self.rules.get(str(key))
        if rules is None:
            if self.iso3_keys and re.fullmatch(r"[A-Z]{3}", str(key)):
                return str(key)
            return None
        if year is None:  # any non-empty code makes the key a country
            return next((iso3 for _, _, iso3 in rules if iso3), "")
        hits = [iso3 for y0, y1, iso3 in rules if y0 <= year <= y1]
        return hits[0] if hits else None

    def to_iso3(self, source, key, year=None) -> str:
        iso3 = self._lookup(key, year)
        if iso3 is None:
            at = "" if year is None else f" in {year}"
            raise BriefError(
                f"{source}: unknown country code or name {key!r}{at}; expected one "
                f"listed in {self.where}"
            )
        return iso3

    def map_series(self, source, series, *, unknown="raise"):
        codes = {k: self._lookup(k, None) for k in pd.unique(series)}
        missing = sorted(str(k) for k, v in codes.items() if v is None)
        if missing and unknown == "raise":
            raise BriefError(
                f"{source}: unknown country code or name {missing[0]!r}; expected "
                f"one listed in {self.where}"
            )
        empty = sorted(str(k) for k, v in codes.items() if v == "")
        mapped = series.map(lambda k: codes[k] or None)
        return mapped, [*missing, *empty]


# ---------------------------------------------------------------------------------------------
# Trade sources (bilateral_trade rows)

TRADE_ORDER = ["reporter_iso3", "partner_iso3", "year", "flow"]


def m49_codes(codes: Iterable[Any], aliases: Mapping[str, str], where: str, source: str) -> None:
    """Every UN M49 code of a trade file is a listed country (one error naming the first that
    is not)."""
    unknown = [c for c in sorted(set(codes)) if not aliases.get(c)]
    if unknown:
        raise BriefError(
            f"{where}: country code {unknown[0]!r} is not in aliases/{source}.csv; expected "
            "a listed UN M49 code of a country"
        )


def trade_rows(columns: Mapping[str, Any]) -> pd.DataFrame:
    """``bilateral_trade`` rows from column -> values: the table's columns, in its order."""
    return pd.DataFrame(columns)[TRADE_COLUMNS].sort_values(TRADE_ORDER).reset_index(drop=True)


def trade_curated(table: pd.DataFrame, countries: Any, source: str) -> dict[str, pd.DataFrame]:
    """A trade source's curated part, each code checked against the country table (``countries``:
    a CountryMapper, or None in unit tests)."""
    check_known(countries, source, [*table["reporter_iso3"], *table["partner_iso3"]])
    return {"bilateral_trade": table}
