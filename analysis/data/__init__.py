"""Curated data: from raw public datasets to validated tables with provenance."""
