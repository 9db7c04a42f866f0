"""Questionnaires shipped with cati, each valid and exercised by the tests."""
