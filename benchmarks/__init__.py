"""Scripts that measure speed and behaviour; run them as modules (``python -m benchmarks.x``)."""
