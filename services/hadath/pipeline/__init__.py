"""The extraction pipeline: a document per article, passed through named stages."""
