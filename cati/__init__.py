"""cati: computer-assisted telephone interviewing."""

__version__ = "0.1.0"
