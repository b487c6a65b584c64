"""A kind of data is one unit: the stages dispatch through gananim.kinds, never on a kind's name, and a new kind
defined outside the package records, loads, analyses, renders and shows in `info` without touching them."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import gananim
from gananim import kinds
from gananim.analysis import analyse
from gananim.cli.commands import main
from gananim.rendering.pipeline import default_view
from gananim.rendering.views import make_style, render_frame

PACKAGE = Path(gananim.__file__).parent
KIND_NAMES = {"points", "images"}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (modules, classes, functions): prose, not code."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def kind_branches(source: str) -> list[int]:
    """Lines of code that name a kind of data ("points", "images") or ask a manifest for its kind by hand: the marks
    of a branch on the kind. Docstrings and matplotlib's units="points" are not code about kinds."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    units = {
        id(k.value) for node in ast.walk(tree) if isinstance(node, ast.Call) for k in node.keywords if k.arg == "units"
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in KIND_NAMES and id(node) not in prose | units:
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "kind"
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_check_finds_the_branches_it_looks_for():
    assert kind_branches('if rec.kind == "images":\n    pass\n') == [1]
    assert kind_branches('k = manifest.get("kind", "points")\n') == [1]
    assert (
        kind_branches('def f():\n    """Draws "points" or "images"."""\n    ax.text(0, 0, "x", units="points")\n') == []
    )


def test_no_stage_branches_on_the_kind_of_data():
    found = []
    for module in sorted(PACKAGE.rglob("*.py")):
        rel = module.relative_to(PACKAGE)
        if rel.parts[0] in ("kinds", "lab"):  # the kind folders; the lab's targets and models have names of their own
            continue
        found += [f"{rel}:{n}" for n in kind_branches(module.read_text())]
    assert not found, "branches on the kind of data outside gananim/kinds: " + ", ".join(found)


def test_both_probers_return_the_same_structure(tmp_path):
    torch = pytest.importorskip("torch")
    from gananim import ProbeOptions, Recorder
    from gananim.kinds.points.targets import make_target

    small = ProbeOptions(
        n_samples=32,
        real_samples=16,
        grad_samples=8,
        arrow_samples=8,
        grid_size=8,
        latent_grid=3,
        image_samples=16,
        image_real=16,
        image_grad_samples=8,
        n_images=4,
        interp_paths=2,
        interp_points=3,
    )
    torch.manual_seed(0)
    points = Recorder(
        tmp_path / "p",
        torch.nn.Linear(2, 2),
        torch.nn.Linear(2, 1),
        data=make_target({"kind": "ring", "n": 4, "sigma": 0.05}),
        probes=small,
    )
    images = Recorder(
        tmp_path / "i",
        torch.nn.Linear(4, 64),
        torch.nn.Linear(64, 1),
        data=np.random.default_rng(0).random((32, 64)),
        probes=small,
    )
    for rec in (points, images):
        raw = rec.prober.probe()
        assert isinstance(raw, dict) and all(isinstance(v, np.ndarray) for v in raw.values())
        ((arrays, scalars),) = rec.prober.finish([raw])
        assert {"samples", "density"} <= set(arrays) and all(isinstance(v, float) for v in scalars.values())
        rec.close()


@pytest.fixture
def cloud_kind():
    import kind_cloud

    kind = kinds.register(kind_cloud.CloudKind())
    yield kind
    kinds.unregister(kind.name)


def test_a_kind_defined_outside_the_package_records_loads_analyses_and_renders(tmp_path, cloud_kind, capsys):
    torch = pytest.importorskip("torch")
    from gananim import Recorder

    torch.manual_seed(0)
    G, D = torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)
    real = np.random.default_rng(0).normal(size=(256, 3)).astype(np.float32)
    opt = torch.optim.SGD(G.parameters(), lr=0.1)
    with Recorder(tmp_path / "cloud", G, D, data=real, every=2) as rec:
        for step in range(7):
            loss = (G(torch.randn(32, 2)) - 1).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            rec.step(step, g_loss=loss)
    r = gananim.load(tmp_path / "cloud")
    assert r.kind == "cloud3d" and r.manifest["kind"] == "cloud3d" and r.manifest["version"] == 2
    assert r.steps.tolist() == [0, 2, 4, 6] and r.sample_shape == (3,)
    assert r[3].depth.shape == (64,) and r[3].d_grid is None  # another kind's array reads as None
    np.testing.assert_allclose(r[3].depth, r[3].samples[:, 2])
    assert r.scalars["radius"][0] > 0
    a = analyse(r)
    np.testing.assert_allclose(a.series["spread"], [r[i].samples.std() for i in range(4)], rtol=1e-6)
    assert default_view(r) == "cloud"
    frames = [render_frame([r], i, "cloud", make_style("320x180")) for i in (0, 3)]
    assert frames[0].shape == (180, 320, 3) and np.abs(frames[0].astype(int) - frames[1]).sum() > 0  # the cloud moved
    assert main(["render", str(r.path), "--out", str(tmp_path / "cloud.gif"), "--size", "160x90", "--fps", "5"]) == 0
    assert (tmp_path / "cloud.gif").stat().st_size > 0
    assert main(["info", str(r.path)]) == 0
    out = capsys.readouterr().out
    assert "format v2, cloud3d" in out and "3D points, shadow grid 16 per axis" in out


def test_a_recording_of_an_unknown_kind_is_refused_in_one_line(tmp_path):
    from gananim.errors import GananimError
    from gananim.recording.writer import RecordingWriter

    manifest = {"kind": "cloud3d", "latent_dim": 2, "grid": {"bounds": [[0, 1], [0, 1]], "size": 4}}
    with pytest.raises(GananimError):  # the writer itself needs the kind (its format version)
        RecordingWriter(tmp_path / "r", manifest, {"latents": np.zeros((4, 2))})
