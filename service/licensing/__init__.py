"""Licence checks and openness verdicts over the graph: reasoning on what the queries read."""
