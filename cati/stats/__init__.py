"""Weighting, design-based estimates, banner tables and AAPOR outcome rates.

Pure pandas/numpy/scipy/statsmodels: nothing here imports the rest of cati (no Flask, no
database). See docs/statistics.md for the formulas and the references they are tested against.
"""
