"""The compute stage: papermill runs of the notebooks, cached, atomic, batched."""
