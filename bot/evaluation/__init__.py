"""Measuring recognition: the metrics and the `make eval` command."""
