"""The extractor worker: a thin faust agent from the articles topic to the events topic."""
