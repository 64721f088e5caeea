"""Reading a params file safely: YAML built as plain data only, with the traps refused.

PyYAML's SafeLoader builds no objects, but it still keeps the last of two equal keys silently and
expands any alias bomb it is given. :class:`ParamsLoader` refuses both (and nesting too deep)
before a value is built; :func:`read_params_file` also refuses an oversized file and decodes by
its byte-order mark, so every failure is one :class:`~analysis.errors.BriefError` naming the file
and line.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import BriefError, clip, quote

#: A params file holds a few hundred bytes; a far larger one is refused before it is parsed.
MAX_PARAMS_BYTES = 1 << 20
#: Values a YAML text may hold once every alias is expanded (a "billion laughs" holds 10**9).
MAX_YAML_NODES = 10_000
#: How deep a YAML text may nest (lists in mappings in lists ...), aliases expanded.
MAX_YAML_DEPTH = 50
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlRefused(Exception):
    """A YAML text the params loader will not build: a duplicate key, too many values once the
    aliases are expanded (an alias bomb), or nesting too deep. ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document that expands to more than MAX_YAML_NODES values or nests deeper than
    MAX_YAML_DEPTH through its aliases. The node graph is walked once (sizes memoised), so a
    bomb is refused in microseconds instead of being built; a recursive alias nests forever and
    is refused by depth."""
    memo: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height)
    aliased = False  # a node reached twice: the text uses aliases

    def walk(node: yaml.Node, depth: int) -> tuple[int, int]:
        nonlocal aliased
        line = node.start_mark.line + 1 if node.start_mark else None
        if depth > MAX_YAML_DEPTH:
            raise YamlRefused(
                f"nested deeper than {MAX_YAML_DEPTH} levels once aliases are expanded (a "
                "recursive alias?); expected a shallow mapping of parameters",
                line,
            )
        known = memo.get(id(node))
        if known is not None:
            aliased = True
            if depth + known[1] > MAX_YAML_DEPTH:
                raise YamlRefused(
                    f"nested deeper than {MAX_YAML_DEPTH} levels once aliases are expanded; "
                    "expected a shallow mapping of parameters",
                    line,
                )
            return known
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        size, height = 1, 0
        for child in children:
            s, h = walk(child, depth + 1)
            size += s
            height = max(height, h + 1)
            if size > MAX_YAML_NODES and aliased:
                raise YamlRefused(
                    f"expands to more than {MAX_YAML_NODES:,} values through its aliases "
                    "(&anchor / *alias, an alias bomb?); expected a small mapping of parameters",
                    line,
                )
            if size > MAX_YAML_NODES:
                raise YamlRefused(
                    f"holds more than {MAX_YAML_NODES:,} values; expected a small mapping of "
                    "parameters (a brief's take a few hundred; a multiverse list of thousands "
                    "of values would be over multiverse_limit anyway)",
                    line,
                )
        memo[id(node)] = (size, height)
        return size, height

    walk(root, 1)


class ParamsLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, plus: a key given twice in one mapping is an error (YAML says keys
    are unique; PyYAML keeps the last silently), and a document that nests too deeply or
    expands to too many values through aliases is refused before any object is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    f"nested deeper than {MAX_YAML_DEPTH} levels; expected a shallow mapping "
                    "of parameters",
                    mark.line + 1 if mark else None,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A YAML date (``as_of: 2021-10-12``) as a date; one that is no date of the calendar
        (``2021-02-30``) stays text, so the schema reports it with its key instead of PyYAML
        raising a bare ``ValueError``."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:  # '<<: *base' then overriding keys is allowed
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: SafeConstructor reports it
                    continue
                if first is not None:
                    raise YamlRefused(
                        f"duplicate key {quote(key)} (first given at line {first}); expected "
                        "each key once (YAML would silently keep the last)",
                        line,
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


ParamsLoader.add_constructor("tag:yaml.org,2002:timestamp", ParamsLoader.construct_yaml_timestamp)


def parse_yaml(text: str) -> Any:
    """``text`` parsed with :class:`ParamsLoader` (raises ``yaml.YAMLError`` or YamlRefused)."""
    return yaml.load(text, Loader=ParamsLoader)  # a SafeLoader: builds plain data only


def yaml_reason(exc: yaml.YAMLError) -> tuple[int | None, str]:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if not problem:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (mark.line + 1 if mark is not None else None), clip(" ".join(str(problem).split()))


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode_text(raw: bytes, shown: str) -> str:
    """UTF-8 text of a params file (a UTF-8 byte-order mark is allowed), or one BriefError
    naming the file, the line and the byte that is not UTF-8."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise BriefError(
                f"{shown}: the file is {encoding} text (byte-order mark {bom.hex(' ').upper()}); "
                "expected UTF-8 (save it as UTF-8)"
            )
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BriefError(
            f"{shown}: line {line}, column {column}: byte 0x{raw[exc.start]:02X} is not UTF-8 "
            "(Latin-1 or Windows-1252 text?); expected UTF-8 (save it as UTF-8)"
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BriefError(
            f"{shown}: line {line}: NUL byte (UTF-16 text without a byte-order mark?); expected "
            "UTF-8 text (save it as UTF-8)"
        )
    return text


def read_params_file(path: Path, shown: str) -> Any:
    """The parsed YAML of a params file (None when empty), or one BriefError naming it."""
    if path.is_dir():
        found = sorted(p.name for p in path.glob("*.yml"))[:3]
        inside = f" (it holds {', '.join(found)})" if found else ""
        raise BriefError(
            f"{shown}: a folder, not a params file{inside}; expected a YAML file of parameters, "
            "e.g. params/default.yml"
        )
    if not path.is_file():
        raise BriefError(f"{shown}: params file not found; expected a YAML file of parameters")
    try:
        size = path.stat().st_size
        if size > MAX_PARAMS_BYTES:
            raise BriefError(
                f"{shown}: {size:,} bytes; expected a params file of at most "
                f"{MAX_PARAMS_BYTES:,} bytes (a brief's parameters take a few hundred)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BriefError(f"{shown}: cannot read the params file ({reason})") from None
    text = decode_text(raw, shown)
    try:
        return parse_yaml(text)
    except YamlRefused as exc:
        where = f" line {exc.line}:" if exc.line else ""
        raise BriefError(f"{shown}:{where} {exc.message}") from None
    except yaml.YAMLError as exc:
        line, reason = yaml_reason(exc)
        where = f" at line {line}" if line else ""
        raise BriefError(f"{shown}: not valid YAML{where} ({reason})") from None


@dataclass(frozen=True)
class Override:
    """One ``--set key=value``: the item as given, its dotted key split, its YAML value."""

    item: str  # as given, e.g. "composite_weights.milex=0.7"
    parts: list[str]
    value: Any

    @property
    def key(self) -> str:
        return ".".join(self.parts)


def parse_overrides(overrides: Sequence[str]) -> tuple[list[Override], list[str]]:
    parsed, problems = [], []
    for item in overrides:
        item = str(item)
        key, sep, raw = item.partition("=")
        key = key.strip()
        parts = key.split(".")
        if not sep or not key or any(not p or not p.isidentifier() for p in parts):
            problems.append(
                f"--set {quote(item)}: expected key=value with a dotted key, e.g. "
                "growth_scenario.window=15"
            )
            continue
        try:
            value = parse_yaml(raw) if raw.strip() else ""
        except YamlRefused as exc:
            problems.append(f"--set {quote(item)}: value refused: {exc.message}")
            continue
        except yaml.YAMLError as exc:
            problems.append(f"--set {quote(item)}: value is not valid YAML ({yaml_reason(exc)[1]})")
            continue
        parsed.append(Override(item, parts, value))
    return parsed, problems
