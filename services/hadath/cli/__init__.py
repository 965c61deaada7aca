"""`hadath`: one command for every role. Flags override HADATH_* variables.

The commands live by role: `pipeline` (publish, replay, worker, sink, extract, demo), `ops`
(tail, status, schemas), `train`, `evaluate` and `annotate`.
"""

from hadath.cli.app import app

# They register their commands, in the order `hadath --help` lists them.
from hadath.cli import pipeline, ops, train, evaluate, annotate  # noqa: E402, F401, I001  # isort: skip


def main() -> None:
    app()
