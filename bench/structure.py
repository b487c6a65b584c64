"""The package's shape in numbers (issue 18): top-level modules, branches on the kind of data outside the kind
folders, the longest functions, the largest modules, and the stage import check.

    .venv/bin/python bench/structure.py [PACKAGE_DIR]     # default: this checkout's gananim/
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_kinds import kind_branches  # noqa: E402  (the rule the test enforces)
from test_layout import FORBIDDEN, imports  # noqa: E402


def functions(module: Path) -> list[tuple[int, str]]:
    """(lines, name) of every function and method in a module."""
    tree = ast.parse(module.read_text())
    return [
        (node.end_lineno - node.lineno + 1, f"{module.name}:{node.name}")
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def main(package: Path) -> None:
    modules = sorted(package.rglob("*.py"))
    top = sorted(p.name for p in package.glob("*.py"))
    outside = [m for m in modules if m.relative_to(package).parts[0] not in ("kinds", "lab")]
    branches = [(m.relative_to(package), n) for m in outside for n in kind_branches(m.read_text())]
    longest = sorted((f for m in modules for f in functions(m)), reverse=True)[:5]
    largest = sorted(((len(m.read_text().splitlines()), str(m.relative_to(package))) for m in modules), reverse=True)[
        :5
    ]
    upward = [
        f"{m.relative_to(package)} -> {name}"
        for stage, banned in FORBIDDEN.items()
        if (package / stage).is_dir()
        for m in (package / stage).rglob("*.py")
        for name in imports(m)
        if any(name == f"gananim.{b}" or name.startswith(f"gananim.{b}.") for b in banned)
    ]
    print(f"package: {package}")
    print(f"top-level modules: {len(top)}  ({', '.join(top)})")
    print(
        f"lines naming a kind of data outside kinds/ and lab/: {len(branches)} in {len({f for f, _ in branches})} files"
    )
    print("longest functions: " + ", ".join(f"{name} {n}" for n, name in longest))
    print("largest modules: " + ", ".join(f"{name} {n}" for n, name in largest))
    print(f"imports reaching up a stage: {len(upward)}" + ("" if not upward else " (" + "; ".join(upward[:5]) + " …)"))


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "gananim")
