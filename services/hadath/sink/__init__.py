"""The sink: events topic → the store (SQLite or PostgreSQL)."""
