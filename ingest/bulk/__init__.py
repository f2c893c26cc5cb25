"""The bulk path: record snapshots, CSV files and neo4j-admin import for a first load."""
