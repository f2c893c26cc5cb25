"""Shoulders: what did this model stand on? A provenance graph of AI models."""

__version__ = "0.1.0"
