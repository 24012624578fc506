"""newsprism: compare how many news outlets report the same events."""

__version__ = "0.1.0"
