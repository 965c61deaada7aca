"""The package's layering: the rules need no torch, and no module imports a layer above its own."""

from __future__ import annotations

import ast
import subprocess
import sys

from hadath.config import REPO_ROOT

PACKAGE = REPO_ROOT / "services" / "hadath"

# Lowest first. A module may import its own layer and those below, never one above: training,
# evaluation and the tools use the runtime, the runtime never uses them.
LAYERS = [
    {"config", "schemas", "text", "validation", "kafka"},
    {"nlp", "events"},
    {"pipeline"},
    {"ingest", "extractor", "sink"},
    {"corpora", "training", "evaluation", "tools"},
    {"cli", "__main__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def top_level(path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imported(path) -> set[str]:
    """The hadath sub-packages and modules a file imports, wherever in the file."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        out.update(n.split(".")[1] for n in names if n.startswith("hadath.") and n.count(".") >= 1)
    return out


def test_every_module_has_a_layer():
    modules = {top_level(p) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE}
    assert modules <= set(RANK), modules - set(RANK)


def test_no_module_imports_a_layer_above_its_own():
    upward = [(str(p.relative_to(PACKAGE)), target) for p in PACKAGE.rglob("*.py")
              if p.parent != PACKAGE or p.name != "__init__.py"
              for target in imported(p) if RANK[target] > RANK[top_level(p)]]
    assert upward == []


def test_the_event_rules_their_tests_and_a_noop_pipeline_load_no_torch():
    code = ("import sys; import hadath.pipeline.stages, hadath.corpora.annotations; "
            "import tests.conftest, tests.test_event_rules, tests.test_dates, tests.test_gazetteer; "
            "from hadath.config import load_settings; from hadath.pipeline.run import load_pipeline; "
            "load_pipeline(load_settings(extractor='noop')); print('torch' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert run.stdout.strip() == "False"
