"""The whole Hub: declared lineage of every model, from the listing or from a Parquet dump.

Both bootstraps hand each model to the seed crawl's own mapper (``map_model``), so a
model listed, dumped or crawled from a seed gives the same records and assertion ids.
"""
