"""Operator tooling around the runtime: the embedded broker, a local stack, status, tail, tables."""
