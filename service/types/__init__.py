"""GraphQL types, one per file, each with a small converter from its stored row."""
