"""pressroom: a multi-author publishing service."""

__version__ = "0.1.0"
