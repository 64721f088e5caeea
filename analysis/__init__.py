"""Reproducible research brief generator: curated data -> indicators -> papermill notebooks -> Quarto."""

__version__ = "0.1.0"
