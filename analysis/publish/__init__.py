"""Assembling the brief with Quarto: render one brief, or the whole site."""
