"""The read-only GraphQL API over the provenance graph."""
