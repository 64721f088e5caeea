"""Every quotation of the brief is word for word in the text it cites, and every restatement
keeps the report's modality (issue 25; the rules: analysis/publish/quotes.py and
report/sources/README.md).

Quotations are read with Pandoc, as Quarto reads them, from every shipped brief's rendered
fragments, the page sources and the templates themselves (their Jinja tags blanked, so a
quotation in a branch no shipped brief takes is read too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.compute import claims as claim_modules
from analysis.publish import quotes as Q
from analysis.publish.fragments import write_fragments
from tests.clone import ROOT
from tests.conftest import BRIEFS, require_tool

SOURCES = Q.load_sources(ROOT / "report" / "sources")
PAGES = ("report/brief.qmd", "index.qmd", "compare.qmd")
TEMPLATES = sorted(
    [*(ROOT / "report" / "claims").glob("*.md.j2"),
     *(ROOT / "analysis" / "publish" / "templates").glob("*.j2")]
)  # fmt: skip


def read(markdown: dict[str, str]) -> dict[str, list]:
    return Q.pandoc_json(markdown, require_tool("quarto"))


def found(markdown: str) -> list[str]:
    """The problems of one snippet of Markdown."""
    return Q.problems(Q.quotes(read({"snippet": markdown})), SOURCES)


def blank_jinja(text: str) -> str:
    text = re.sub(r"\{##.*?##\}", "", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "VALUE", text, flags=re.S)


@pytest.fixture(scope="module")
def fragments(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every shipped brief's rendered fragments, name -> Markdown."""
    out = {}
    for brief in BRIEFS:
        report = tmp_path_factory.mktemp(f"fragments-{brief}")
        write_fragments(built / "_build" / brief, report, built / "data" / "datapackage.json",
                        root=ROOT)  # fmt: skip
        for md in sorted((report / "_generated").glob("*.md")):
            out[f"{brief}: {md.name}"] = md.read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def read_brief(fragments: dict[str, str]) -> dict[str, list]:
    docs = dict(fragments)
    docs |= {page: (ROOT / page).read_text(encoding="utf-8") for page in PAGES}
    docs |= {
        str(t.relative_to(ROOT)): blank_jinja(t.read_text(encoding="utf-8")) for t in TEMPLATES
    }
    return read(docs)


# --- the shipped briefs


@pytest.mark.slow
def test_every_quotation_of_every_shipped_brief_is_in_the_text_it_cites(read_brief):
    assert Q.problems(Q.quotes(read_brief), SOURCES) == []


@pytest.mark.slow
def test_the_quotations_are_found_with_their_citations(read_brief):
    """The check reads what it should: each claim's quotations, in every brief, each with the
    source it is cited to (a check that found nothing would pass everything)."""
    by_phrase = {}
    for q in Q.quotes(read_brief):
        by_phrase.setdefault(Q.normalise(q.phrase), set()).update(q.cites)
    expected = {
        "aggregate chinese and russian power": Q.ARTICLE,
        "much closer since 2014": Q.REPORT,
        "trends in the balance of power": Q.REPORT,
        "a desire for independence and divergent political interests": Q.REPORT,
        "15-year military cooperation plan": Q.ARTICLE,
    }
    for phrase, key in expected.items():
        assert key in by_phrase.get(phrase, set()), phrase
    per_brief = [q for q in Q.quotes(read_brief) if q.where.endswith("claims.md")]
    assert len(per_brief) >= 20 * len(BRIEFS)


@pytest.mark.slow
def test_a_misquote_planted_in_a_real_fragment_fails(fragments):
    claims = fragments["default: claims.md"]
    phrase = re.compile(r"aggregate\s+Chinese\s+and\s+Russian\s+power")  # lines wrap in it
    assert phrase.search(claims)
    planted = phrase.sub("aggregate Chinese and Soviet power", claims)
    problems = Q.problems(Q.quotes(read({"planted": planted})), SOURCES)
    assert len(problems) == 1 and "Soviet" in problems[0] and "not word for word" in problems[0]


# --- the rules, one planted misquote each


def test_a_word_changed_fails():
    (p,) = found('The report saw "aggregate Chinese and Soviet power" [@militarytimes2021].')
    assert "not word for word" in p


def test_the_reporters_words_in_quotation_marks_fail():
    (p,) = found(
        'The authors suggest the two "only increase interoperability" [@militarytimes2021].'
    )
    assert "reporter's own words" in p


def test_the_reporters_words_pass_when_the_sentence_says_they_are_the_articles():
    md = 'In the article\'s own words, they "only increase interoperability" [@militarytimes2021].'
    assert found(md) == []


def test_an_article_only_phrase_cited_to_the_report_fails():
    (p,) = found(
        'The report finds power will "continue to approach, but not exceed" [@rand2021rr3067].'
    )
    assert "not among its quoted words" in p


def test_a_paraphrase_of_the_report_quoted_as_its_words_fails():
    md = 'RAND names "the declining relative power of the United States" [@rand2021rr3067].'
    (p,) = found(md)
    assert "paraphrase" in p


def test_a_quotation_cited_to_both_must_be_in_both():
    md = 'It will be "an ever-increasing challenge" [@rand2021rr3067; @militarytimes2021].'
    problems = found(md)
    assert any("not among its quoted words" in p for p in problems)
    assert any("reporter's own words" in p for p in problems)


def test_a_quotation_without_a_citation_fails_and_a_cross_reference_is_not_one():
    (p,) = found('The report saw "much closer ties" after 2014, as @sec-c3 tests.')
    assert "cites nothing" in p


def test_a_quotation_with_only_a_data_citation_fails():
    (p,) = found('Moscow sought "much closer ties" [@sipri_arms2025].')
    assert "cites @sipri_arms2025" in p


def test_typographic_quotes_dashes_case_and_spacing_are_ignored():
    md = (
        "The “15–year   Military Cooperation plan” [@militarytimes2021] and relations "
        '"Much closer since 2014." [@rand2021rr3067].'
    )
    assert found(md) == []


def test_quotation_marks_inside_raw_html_and_code_are_not_quotations():
    md = (
        '```{=html}\n<div data-x="made up words"></div>\n```\n\n'
        'A chart of `"made up"` values [@militarytimes2021].'
    )
    assert found(md) == []


def test_a_quote_of_the_associated_press_inside_the_articles_quotation_passes():
    assert found('A "new level" of cooperation [@militarytimes2021].') == []


def test_the_articles_unbalanced_closing_mark_opens_at_its_sentence():
    """The article's one unbalanced closing mark: its sentence is a quotation of the report."""
    article = SOURCES[Q.ARTICLE]
    assert "hands-on collaboration" in article.quoted
    assert found('Military "hands-on collaboration" is routine [@militarytimes2021].') == []


def test_the_sources_in_the_project_are_the_authoritys_copy():
    """report/sources/ is a copy of ../shared/brief/sources/ (the authority): the same bytes."""
    authority = ROOT.parent / "shared" / "brief" / "sources"
    if not authority.is_dir():
        pytest.skip("../shared/brief/sources is not beside the project")
    for path in sorted(authority.iterdir()):
        assert (ROOT / "report" / "sources" / path.name).read_bytes() == path.read_bytes(), path


# --- modality: advice stays advice, a possibility stays a possibility


def argued(read_brief: dict[str, list], brief: str = "default") -> dict[str, str]:
    """Each claim's "What the report argued" paragraph (its plain text), by claim id."""
    paras = Q.paragraphs(read_brief[f"{brief}: claims.md"])
    out, current = {}, None
    for p in paras:
        m = re.match(r"^(C\d+): ", p)
        if m:
            current = m.group(1)
        elif current and p.startswith("What the report argued."):
            out[current] = p
    return out


def modality_problems(cid: str, title: str, argued_text: str) -> list[str]:
    """The report's modal words in the sentences a claim quotes must survive in its restatement,
    and one of them in its title."""
    needed = set()
    for phrase in Q.phrases(argued_text):
        for passage in Q.passages(SOURCES, phrase):
            needed |= Q.modal_words(passage)
    out = [
        f"{cid}: 'what the report argued' drops '{w}'"
        for w in sorted(needed - Q.modal_words(argued_text))
    ]
    if needed and not Q.modal_words(title) & needed:
        out.append(f"{cid}: title {title!r} keeps none of {sorted(needed)}")
    if needed and re.search(r"\b(ahead|will)\b", title, re.IGNORECASE):
        out.append(f"{cid}: title {title!r} turns the report's {sorted(needed)} into a forecast")
    return out


@pytest.mark.slow
def test_titles_and_restatements_keep_the_reports_modal_words(read_brief):
    texts = argued(read_brief)
    assert sorted(texts) == list(claim_modules.IDS)
    problems = [p for cid, t in texts.items()
                for p in modality_problems(cid, claim_modules.TITLES[cid], t)]  # fmt: skip
    assert problems == []


@pytest.mark.slow
def test_the_modality_check_finds_advice_turned_into_a_forecast(read_brief):
    c7 = argued(read_brief)["C7"]
    assert {"prepare for", "possibility"} <= Q.modal_words(c7)
    old_title = "Little U.S. leverage; more arms diffusion and joint operations ahead"
    problems = modality_problems("C7", old_title, c7)
    assert any("keeps none" in p for p in problems)
    assert any("forecast" in p for p in problems)
    forecast = (
        "What the report argued. It expects more arms diffusion and “joint military operations”."
    )
    problems = modality_problems("C7", claim_modules.TITLES["C7"], forecast)
    assert any("drops 'prepare for'" in p for p in problems)
    assert any("drops 'possibility'" in p for p in problems)
