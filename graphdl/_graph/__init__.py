"""Internals of the graph object: edge storage, feature frames, views and message passing."""
