"""Event layer, torch-free: Arabic normalization, the trigger lexicon and classifier, dates, places, the rules."""
