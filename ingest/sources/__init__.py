"""Upstream sources, one folder each (config, client, payloads, mapper, source)."""
