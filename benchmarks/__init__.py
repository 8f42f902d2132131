"""Benchmarks on Wales-scale synthetic data (``make bench`` / ``python -m benchmarks``).

Not tests: they measure, write ``benchmarks/results/`` and compare with the targets
of issue 6. See ``benchmarks/run.py``.
"""
