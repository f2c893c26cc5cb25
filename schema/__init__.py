"""The graph's vocabulary: labels, relationship types, node keys, constraints.

This package imports nothing else of Shoulders; ingest/ and service/ both speak it.
"""
