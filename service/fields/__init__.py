"""The Query type's fields, grouped by question; ``service.schema`` merges them."""
