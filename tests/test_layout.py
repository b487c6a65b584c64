"""The package's folders are the pipeline, and data flows one way through them (checked on the import statements).

record      inside training, with torch: the Recorder, probes, options, objectives, curvature, zero-edit
recording   the recording on disk: writer, reader, layout, validation, lock, atomic writes, dense scalars
analysis    metrics, events, summaries, computed from a recording
rendering   pipeline, views, drawing, encoders, manim, notebook, export
cli         the commands
lab         the toy lab: configs, targets, models, training
kinds       one folder per kind of data, each holding its part of every stage
"""

from __future__ import annotations

import ast
from pathlib import Path

import gananim

PACKAGE = Path(gananim.__file__).parent
STAGES = ("record", "recording", "analysis", "rendering", "cli", "lab", "kinds")
# what each stage may not import: nothing below reaches up, and the read side never needs the write side
FORBIDDEN = {
    "recording": ("record", "analysis", "rendering", "cli", "lab"),
    "analysis": ("record", "rendering", "cli", "lab", "recording.writer"),
    "record": ("analysis", "rendering", "cli", "lab"),
    "rendering": ("record", "cli", "lab", "recording.writer"),
    "kinds": ("cli", "lab", "recording.writer"),
}
TOP_LEVEL = {
    "__init__.py",
    "errors.py",
    "extras.py",
    "about.py",
    "lightning.py",
    "text.py",
}  # the package face and shared leaves


def imports(module: Path) -> set[str]:
    """Every gananim module a file imports, at any depth (lazy imports inside functions count too)."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gananim"):
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("gananim")}
    return names


def test_the_top_level_holds_only_the_package_face_and_shared_leaves():
    files = {p.name for p in PACKAGE.glob("*.py")}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert files <= TOP_LEVEL, files - TOP_LEVEL
    assert folders == set(STAGES)


def test_no_stage_imports_a_stage_above_it():
    found = []
    for stage, banned in FORBIDDEN.items():
        for module in sorted((PACKAGE / stage).rglob("*.py")):
            for name in imports(module):
                for b in banned:
                    if name == f"gananim.{b}" or name.startswith(f"gananim.{b}."):
                        found.append(f"{module.relative_to(PACKAGE)} imports {name}")
    assert not found, "\n".join(found)


def test_leaves_import_nothing_but_leaves():
    for name in ("errors.py", "extras.py", "about.py", "text.py"):
        if (PACKAGE / name).exists():
            assert imports(PACKAGE / name) <= {"gananim.errors", "gananim.errors.GananimError"}, name


def test_only_the_recorder_writes_recordings():
    """The read side (reader, analysis, rendering, the CLI's inspection) never imports the writer."""
    writers = sorted(
        str(m.relative_to(PACKAGE))
        for m in PACKAGE.rglob("*.py")
        if any(n == "gananim.recording.writer" or n.startswith("gananim.recording.writer.") for n in imports(m))
    )
    assert writers == ["record/recorder.py"]


def test_no_module_is_over_400_lines():
    sizes = {str(m.relative_to(PACKAGE)): len(m.read_text().splitlines()) for m in PACKAGE.rglob("*.py")}
    assert not {name: n for name, n in sizes.items() if n > 400}
