"""Lineage: the graph of assets and their upstreams, and walks over it."""
