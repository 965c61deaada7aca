"""Labelled data: readers and writers of the corpora that training and evaluation use."""
