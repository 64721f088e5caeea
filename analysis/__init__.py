"""Reproducible research brief generator: curated data, indicators, notebooks, Quarto."""

__version__ = "0.1.0"
