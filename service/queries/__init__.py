"""Cypher read queries, shared by the GraphQL resolvers and the ``shoulders lineage`` CLI.

Labels and relationship types come only from ``schema.vocabulary``; variable-length
bounds are literals from validated ints; every value is a parameter.
"""
