"""``python -m analysis`` is the ``brief`` command (Quarto's pre-render uses it)."""

from analysis.cli import entry_point

entry_point()
