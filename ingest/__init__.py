"""Ingest: source clients -> payloads -> pure mappers -> records -> batched loader -> Neo4j."""
