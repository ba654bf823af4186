"""Benchmarks of yakusho as production runs it: `python -m bench <scenario>`."""
