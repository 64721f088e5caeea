"""How a share and a label are written in words, the same in a chart title, a claim's sentence
and the brief.

One rule for every stage (the compute library writes titles and sentences, the publish layer
writes tables), so "<1%" means the same everywhere.
"""

from __future__ import annotations

#: What a formatter prints for a number the build could not compute. A sentence never shows it
#: in place of a number (a claim's sentence leaves out what it could not compute, and says why
#: when that leaves too little to decide); the edge tests set it to a marker and look for it.
NOT_AVAILABLE = "not available"


def percent(value: float | None) -> str:
    """A share (0.35) as a whole percentage ("35%"), never rounding a real chance to 0 % or
    100 %: what would print as 0 % but is above zero is "<1%", what would print as 100 % but
    is below one is ">99%" (0.005 prints as 0 % under round-half-even, so it is "<1%")."""
    if value is None:
        return NOT_AVAILABLE
    shown = f"{value:.0%}"
    if value > 0 and shown == "0%":
        return "<1%"
    if value < 1 and shown == "100%":
        return ">99%"
    return shown


def phrase(label: str) -> str:
    """A label inside a sentence: 'military expenditure', but 'GDP at market exchange rates'
    (a label whose second letter is a capital is an acronym and keeps its case)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label
