"""Data files and PDF reports."""
