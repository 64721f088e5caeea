"""Quotations checked against the only texts the brief may quote (``report/sources/``).

The brief quotes two texts, each under its bibliography key:

- ``militarytimes2021``: the Military Times article of 13 October 2021, verbatim. A phrase it puts
  in quotation marks is the report's (or, where it says so, the Associated Press's) words as the
  article quotes them; everything else in it is the reporter's own wording.
- ``rand2021rr3067``: the words of RAND's own summary that could be read. A line there in quotation
  marks is RAND's wording; a paraphrase line is not, and cannot be quoted.

The rules (``report/sources/README.md``), checked on every quotation of the brief by
:func:`problems`:

1. a quotation carries a citation, the first ``[@key]`` after it in the same paragraph, and that
   citation names at least one of the two texts;
2. the phrase appears word for word in every text the citation names, ignoring typographic quotes,
   dashes, white space, letter case and the punctuation at its ends: in the report's quoted words
   for ``rand2021rr3067`` (so words known only from the article cannot be cited to the report);
3. a phrase that is the reporter's own wording (in the article, outside its quotation marks) may
   be quoted only as the article's words: its sentence must say so (:data:`ARTICLE_WORDING`).

Quotations are found the way readers see them: Pandoc (Quarto's own) parses the Markdown, so a
``"phrase"`` is a quotation exactly when Pandoc typesets it as one, and raw HTML, code and chart
specifications are never read as prose. Single quotation marks are the brief's mark for its own
terms ('approach', 'routine') and are not quotations.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import BriefError

ARTICLE = "militarytimes2021"
REPORT = "rand2021rr3067"
#: Bibliography key -> (file in report/sources/, kind). "article": every word may be quoted, its
#: own quotation marks telling the report's words from the reporter's; "excerpts": only the
#: words inside quotation marks may be quoted.
SOURCE_FILES: dict[str, tuple[str, str]] = {
    ARTICLE: ("military-times-2021-10-13.txt", "article"),
    REPORT: ("rand-rr3067-summary-excerpts.md", "excerpts"),
}
#: Words in a sentence that present a quotation as the article's own wording, not the report's.
ARTICLE_WORDING = re.compile(
    r"\b(the article's (own )?(words?|wording|phrase)|in the article's words|the reporter\b|"
    r"the reporter's|the article (says|writes|puts it))",
    re.IGNORECASE,
)
#: The report's modal words: advice and possibility that a restatement must keep (rules of
#: :func:`modal_words`). Each entry: the word, and the forms that keep it.
MODAL_WORDS: dict[str, tuple[str, ...]] = {
    "prepare for": ("prepare for", "preparing for"),
    "possibility": ("possibility", "possible", "possibly"),
    "might": ("might",),
    "could": ("could",),
    "likely": ("likely",),
}

OPEN, CLOSE = "“", "”"
_DASHES = re.compile(r"[‐‑‒–—―−]")
_QUOTES = re.compile(r"[\"“”„‟«»]")
_SINGLE = re.compile(r"[‘’‚‛′]")
_EDGES = " .,;:!?()[]'"


def normalise(text: str) -> str:
    """Text as the rules compare it: no double quotes, one kind of apostrophe and of dash, one
    space between words, lower case."""
    s = _QUOTES.sub("", text)
    s = _SINGLE.sub("'", s)
    s = _DASHES.sub("-", s)
    return " ".join(s.split()).casefold()


def contains(haystack: str, phrase: str) -> bool:
    """``phrase`` (normalised, its end punctuation dropped) in ``haystack`` (normalised) as
    whole words."""
    p = phrase.strip(_EDGES)
    if not p:
        return True
    return re.search(rf"(?<!\w){re.escape(p)}(?!\w)", haystack) is not None


# ---------------------------------------------------------------------------------------------
# The sources


@dataclass(frozen=True)
class Source:
    key: str
    kind: str  # "article" or "excerpts"
    text: str  # the whole text, normalised
    quoted: tuple[str, ...]  # the spans inside its quotation marks, normalised
    passages: tuple[tuple[str, tuple[str, ...]], ...]  # paragraphs or quoted lines, with the
    # spans each holds in quotation marks (normalised)


def quoted_spans(text: str) -> list[str]:
    """The spans inside double quotation marks, paragraph by paragraph. Straight quotes pair in
    turn; a closing curly quote with no opening one in its paragraph (the article has one) closes
    a quotation that began at the start of its sentence; an opening one never closed is left
    out (nothing says where it ends)."""
    spans = []
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r'"([^"\n]*)"', lambda m: OPEN + m.group(1) + CLOSE, para)
        start: int | None = None
        for i, ch in enumerate(para):
            if ch == OPEN:
                start = i + 1
            elif ch == CLOSE:
                if start is None:
                    ends = [m.end() for m in re.finditer(r"[.!?]\s+", para[:i])]
                    start = ends[-1] if ends else 0
                spans.append(para[start:i])
                start = None
    return spans


def read_source(key: str, path: Path, kind: str) -> Source:
    try:
        raw = path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise BriefError(f"{path}: cannot be read ({type(exc).__name__}), expected the text "
                         f"the brief quotes as [@{key}]") from None  # fmt: skip
    if kind == "excerpts":  # only quoted words of non-paraphrase lines are the report's
        lines = [ln for ln in raw.splitlines() if "paraphrase" not in ln.casefold()]
        spans = _norm(quoted_spans("\n".join(lines)))
        return Source(key, kind, " \n ".join(spans), spans, tuple((s, (s,)) for s in spans))
    paras = tuple(
        (normalise(p), _norm(quoted_spans(p))) for p in re.split(r"\n\s*\n", raw) if p.strip()
    )
    return Source(key, kind, normalise(raw), _norm(quoted_spans(raw)), paras)


def _norm(spans: Iterable[str]) -> tuple[str, ...]:
    return tuple(n for s in spans if (n := normalise(s)))


def load_sources(folder: Path) -> dict[str, Source]:
    """Every quotable text in ``folder`` (``report/sources/``), by bibliography key."""
    return {k: read_source(k, folder / name, kind) for k, (name, kind) in SOURCE_FILES.items()}


# ---------------------------------------------------------------------------------------------
# The brief's quotations, as Pandoc reads them


@dataclass(frozen=True)
class Quote:
    phrase: str  # as written, between its quotation marks
    cites: tuple[str, ...]  # the keys of the first citation after it in its paragraph
    sentence: str  # the sentence it stands in, plain text
    where: str  # the document it is in


#: Quarto's cross-references (``@sec-c8``) read as citations by Pandoc; they cite nothing.
CROSSREF = re.compile(r"^(sec|fig|tbl|eq|lst|thm|lem|def|exm|exr|cor|prp|cnj|rem|sol)-")
_CITE = "\x00"  # marks a citation in a block's flat text: \x00key;key\x00


def _flat(inlines: Sequence[Mapping[str, Any]]) -> str:
    """A block's inlines as plain text, quotations in curly quotes, citations as markers."""
    out = []
    for el in inlines:
        t, c = el.get("t"), el.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t == "Quoted":
            kind, content = c
            q = (OPEN, CLOSE) if kind["t"] == "DoubleQuote" else ("‘", "’")
            out.append(q[0] + _flat(content) + q[1])
        elif t == "Cite":
            keys = [x["citationId"] for x in c[0] if not CROSSREF.match(x["citationId"])]
            out.append(f"{_CITE}{';'.join(keys)}{_CITE}" if keys else _flat(c[1]))
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript",
                   "Subscript"):  # fmt: skip
            out.append(_flat(c))
        elif t in ("Span", "Link"):
            out.append(_flat(c[1]))
        elif t in ("Code", "Math"):
            out.append(c[1])
        # RawInline, Image, Note: not the sentence's words
    return "".join(out)


def _blocks(blocks: Sequence[Mapping[str, Any]]) -> Iterable[str]:
    """Every paragraph-like block's flat text, depth first (lists, divs, tables, quotes)."""
    for b in blocks:
        t, c = b.get("t"), b.get("c")
        if t in ("Para", "Plain"):
            yield _flat(c)
        elif t == "Header":
            yield _flat(c[2])
        elif t in ("BlockQuote",):
            yield from _blocks(c)
        elif t == "Div":
            yield from _blocks(c[1])
        elif t in ("BulletList",):
            for item in c:
                yield from _blocks(item)
        elif t == "OrderedList":
            for item in c[1]:
                yield from _blocks(item)
        elif t == "DefinitionList":
            for term, defs in c:
                yield _flat(term)
                for d in defs:
                    yield from _blocks(d)
        elif t == "Figure":
            yield from _blocks(c[1][1])
            yield from _blocks(c[2])
        elif t == "Table":
            yield from _table(c)
        # RawBlock, CodeBlock, HorizontalRule: not prose


def _table(c: Sequence[Any]) -> Iterable[str]:
    _, caption, _, head, bodies, foot = c
    yield from _blocks(caption[1])
    rows = list(head[1]) + [r for body in bodies for r in body[2] + body[3]] + list(foot[1])
    for row in rows:
        for cell in row[1]:
            yield from _blocks(cell[4])


def pandoc_json(documents: Mapping[str, str], quarto: str) -> dict[str, list[Any]]:
    """Pandoc's reading of each Markdown document (its blocks), in one call: each document in a
    fenced div of its own."""
    names = list(documents)
    joined = "\n\n".join(f"::: {{#qdoc-{i}}}\n\n{documents[n]}\n\n:::" for i, n in enumerate(names))
    proc = subprocess.run(
        [quarto, "pandoc", "-f", "markdown", "-t", "json"],
        input=joined,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BriefError(
            f"pandoc could not read the brief's Markdown: {proc.stderr.strip()[-300:]}"
        )
    ast = json.loads(proc.stdout)
    found = {
        b["c"][0][0]: b["c"][1]
        for b in ast["blocks"]
        if b.get("t") == "Div" and b["c"][0][0].startswith("qdoc-")
    }
    if len(found) != len(names):
        raise BriefError("pandoc: a document's fenced divs are unbalanced; check them one by one")
    return {n: found[f"qdoc-{i}"] for i, n in enumerate(names)}


_SENTENCE_END = re.compile(r"(?<=[.!?])[”’)]*\s+(?=[A-Z“‘(\[])")


def _sentence(text: str, at: int) -> str:
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    start = max(s for s in starts if s <= at)
    nxt = [s for s in starts if s > at]
    return text[start : nxt[0] if nxt else len(text)].strip()


def quotes_in(text: str, where: str) -> list[Quote]:
    """The double-quoted phrases of one block's flat text, each with its citation."""
    out = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == OPEN:
            depth += 1
            if depth == 1:
                start = i
        elif ch == CLOSE and depth:
            depth -= 1
            if depth == 0:
                phrase = text[start + 1 : i]
                cite = re.search(f"{_CITE}([^{_CITE}]*){_CITE}", text[i:])
                keys = tuple(cite.group(1).split(";")) if cite else ()
                plain = re.sub(f"{_CITE}[^{_CITE}]*{_CITE}", "", text)
                at = len(re.sub(f"{_CITE}[^{_CITE}]*{_CITE}", "", text[:start]))
                out.append(Quote(phrase, keys, _sentence(plain, at), where))
    return out


def quotes(blocks_by_doc: Mapping[str, Sequence[Any]]) -> list[Quote]:
    """Every quotation of every document (Pandoc blocks), in order."""
    return [q for doc, blocks in blocks_by_doc.items() for b in _blocks(blocks)
            for q in quotes_in(b, doc)]  # fmt: skip


def paragraphs(blocks: Sequence[Any]) -> list[str]:
    """Every paragraph's plain text (citations dropped)."""
    return [re.sub(f"{_CITE}[^{_CITE}]*{_CITE}", "", b) for b in _blocks(blocks)]


# ---------------------------------------------------------------------------------------------
# The rules


def _broken(q: Quote, phrase: str, s: Source) -> str | None:
    """Why quotation ``q`` breaks a rule for the cited text ``s`` (None: it keeps them)."""
    where = f"@{s.key} (report/sources/{SOURCE_FILES[s.key][0]})"
    in_quotes = any(contains(span, phrase) for span in s.quoted)
    if s.kind == "excerpts":
        if in_quotes:
            return None
        return (
            f"cited to {where}, but not among its quoted words: words known only from the "
            "article, or a paraphrase, are not the report's quotation"
        )
    if not contains(s.text, phrase):
        return f"not word for word in {where}"
    if not in_quotes and not ARTICLE_WORDING.search(normalise(q.sentence)):
        return (
            f"the reporter's own words in {where}, not a quotation there: quote them only as "
            "the article's wording, and say so in the sentence"
        )
    return None


def problems(found: Iterable[Quote], sources: Mapping[str, Source]) -> list[str]:
    """Every quotation that breaks a rule, one line each naming the document and the phrase."""
    out = []
    for q in found:
        phrase = normalise(q.phrase)
        if not phrase.strip(_EDGES):
            continue
        head = f"{q.where}: “{q.phrase}”"
        quotable = [k for k in q.cites if k in sources]
        if not quotable:
            cited = ", ".join(f"@{k}" for k in q.cites) or "nothing"
            known = ", ".join(f"@{k}" for k in sources)
            out.append(
                f"{head}: cites {cited}; expected a citation of the text it quotes ({known})"
            )
        for key in quotable:
            why = _broken(q, phrase, sources[key])
            if why:
                out.append(f"{head}: {why}")
    return out


def modal_words(text: str) -> set[str]:
    """The report's modal words (:data:`MODAL_WORDS`) a text uses, in any of their forms."""
    t = normalise(text)
    return {w for w, forms in MODAL_WORDS.items() if any(contains(t, f) for f in forms)}


def passages(sources: Mapping[str, Source], phrase: str) -> list[str]:
    """The passages a quotation comes from (normalised text): the article's paragraphs and the
    report's quoted lines where ``phrase`` is a whole quotation ("cooperation"), else inside
    one, else (the reporter's own words) anywhere in them."""
    p = normalise(phrase).strip(_EDGES)
    every = [(text, spans) for s in sources.values() for text, spans in s.passages]
    whole = [text for text, spans in every if any(x.strip(_EDGES) == p for x in spans)]
    inside = [text for text, spans in every if any(contains(x, p) for x in spans)]
    return whole or inside or [text for text, _ in every if contains(text, p)]


def phrases(text: str) -> list[str]:
    """The double-quoted phrases of a paragraph's plain text (:func:`paragraphs`)."""
    return [q.phrase for q in quotes_in(text, "")]
