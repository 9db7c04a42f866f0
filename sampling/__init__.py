"""Sampling frames, phone numbers, allocation and designs with inclusion probabilities."""
