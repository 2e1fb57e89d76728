"""Benchmarks (``python -m bench``) and the data generators they use."""
