"""Parallax: how different outlets report the same news."""

__version__ = "0.1.0"
