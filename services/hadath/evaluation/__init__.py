"""Scoring the models on labelled data (`hadath eval …`)."""
