"""Stage 2, the compute library: pure functions on the curated tables, one module per claim,
the multiverse and the charts. The notebooks call it; nothing here reads or writes files except
the artifact writers (:mod:`analysis.compute.artifacts`)."""
