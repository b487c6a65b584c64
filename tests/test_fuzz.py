"""Damaged recordings, at random but seeded: every case loads or is refused in one line, never a traceback.

A small recording (the v1-2d fixture rewritten into three chunks, with events.json and analysis.npz beside them)
is copied and damaged in CASES ways: files truncated at random offsets, random bytes flipped, files deleted or
emptied, chunks duplicated, manifest and events fields deleted or rewritten with wrong types. Each copy goes
through `gananim.load`, `gananim info` (plain and --json) and, if it loaded, a 5-frame render. Hostile cases too
(issue 21): files replaced by symlinks (to /dev/zero, elsewhere, nowhere) or FIFOs, 64 MB deflated members, absurd
snapshot counts, control characters and mathtext in the manifest's and events' strings; no control character may
reach the terminal. Run with -s to see the counts.
"""

import hashlib
import json
import os
import random
import shutil
import traceback
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import gananim
from gananim.analysis import analyse
from gananim.cli.commands import main
from gananim.errors import GananimError
from gananim.recording.writer import RecordingWriter

FIXTURE = Path(__file__).parent / "fixtures" / "v1-2d"
CASES = 240
SEED = 8
# Renders only the first RENDER cases that load: a render costs ~0.5 s of matplotlib, all of them would take
# ~60 s on 2 cores. What a render reads beyond load and info (the snapshot arrays, checked once per chunk) goes
# through the same code whichever bytes were damaged; rendering all loaded cases of seeds 200-204 (619 renders)
# by hand found nothing either.
RENDER = 30
WRONG = ["2", 2.5, -1, 0, None, [], {}, True, "", [[1, 2]], 1e308, float("nan"), 10**30, {"a": 1}, [1, 2, 3], "x" * 300]


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def make_base(folder: Path) -> Path:
    """The fixture's snapshots rewritten with a chunk size of 3 (three chunks), plus analysis.npz and events.json."""
    src = gananim.load(FIXTURE)
    manifest = {
        k: v for k, v in src.manifest.items() if k not in ("format", "version", "created", "dtype", "chunk_size")
    }
    writer = RecordingWriter(folder, manifest, dict(src.fixed), chunk_size=3)
    for snap in src:
        arrays = {
            k: getattr(snap, k)
            for k in ("samples", "mapping", "d_grid", "density", "g_grad")
            if getattr(snap, k) is not None
        }
        writer.append(snap.step, arrays, snap.scalars)
    writer.close()
    assert analyse(gananim.load(folder)).cached  # writes the analysis caches (analysis.npz, events.json) beside it
    return folder


def json_paths(value, prefix=()):
    """Every path into a JSON value (dict keys and list indices), to pick one to delete or rewrite."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_paths(v, prefix + (i,))


def damage(case: Path, rng: random.Random) -> str:
    """Damage the copy `case` in one random way; return what was done."""
    files = sorted(p for p in case.rglob("*") if p.is_file() and not p.name.startswith("."))
    file = rng.choice(files)
    name = file.relative_to(case).as_posix()
    kind = rng.choice(["truncate", "flip", "flip", "delete", "empty", "json", "json", "json", "duplicate", "symlink",
                       "fifo", "oversized", "absurd", "text", "text"])  # fmt: skip
    if kind in HOSTILE:
        return HOSTILE[kind](case, file, name, rng)
    data = file.read_bytes()
    if kind == "truncate":
        at = rng.randrange(len(data))
        file.write_bytes(data[:at])
        return f"truncate {name} at {at}"
    if kind == "flip":
        data = bytearray(data)
        spots = [rng.randrange(len(data)) for _ in range(rng.choice([1, 1, 2, 8]))]
        for at in spots:
            data[at] ^= 1 << rng.randrange(8)
        file.write_bytes(bytes(data))
        return f"flip bits in {name} at {spots}"
    if kind == "delete":
        file.unlink()
        return f"delete {name}"
    if kind == "empty":
        file.write_bytes(b"")
        return f"empty {name}"
    if kind == "duplicate":
        chunks = sorted((case / "chunks").glob("*.npz"))
        a, b = rng.sample(chunks, 2)
        shutil.copyfile(a, b)
        return f"copy {a.name} over {b.name}"
    target = case / rng.choice(["manifest.json", "manifest.json", "manifest.json", "events.json"])
    doc = json.loads(target.read_text())
    path = rng.choice([p for p in json_paths(doc) if p])
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.4:
        del parent[path[-1]]
        target.write_text(json.dumps(doc))
        return f"delete {target.name} field {path}"
    parent[path[-1]] = value = rng.choice(WRONG)
    target.write_text(json.dumps(doc))
    return f"set {target.name} field {path} to {value!r:.40}"


# Hostile rather than damaged (issue 21): what a stranger's tarball may hold.
CONTROL = ["\x1b]0;title\x07", "\x1b[2J", "\x1b[8m", "\x1b]8;;http://x\x1b\\", "\x9b1m", "\x00", "\x7f", "\n"]
MATHTEXT = ["$\\sqrt{$", "{" * 40 + "$x$" + "}" * 40, "$$", "\\frac{1}{0}", "$x^{", "<img src=x>"]


def _symlink(case: Path, file: Path, name: str, rng: random.Random) -> str:
    target = rng.choice(["/dev/zero", "/dev/null", str(case / "manifest.json"), str(case.parent), "missing"])
    file.unlink()
    file.symlink_to(target)
    return f"symlink {name} -> {target}"


def _fifo(case: Path, file: Path, name: str, rng: random.Random) -> str:
    file.unlink()
    os.mkfifo(file)
    return f"fifo in place of {name}"


def _oversized(case: Path, file: Path, name: str, rng: random.Random) -> str:
    npz = rng.choice(sorted(case.rglob("*.npz")))
    member = rng.choice(["extra", "samples", "latents", "step", "density"])
    with zipfile.ZipFile(npz, "a", zipfile.ZIP_DEFLATED) as z:  # 64 MB of zeros in about 64 KB (the bench: 2.5 GB)
        with z.open(f"{member}.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (16_000_000,)})
            for _ in range(4):
                f.write(bytes(16_000_000))
    return f"a 64 MB deflated member {member!r} added to {npz.relative_to(case)}"


def _absurd(case: Path, file: Path, name: str, rng: random.Random) -> str:
    chunk = rng.choice(sorted((case / "chunks").glob("*.npz")))
    with np.load(chunk) as z:
        arrays = dict(z)
    n = rng.choice([65, 1000, 100_000])
    np.savez(chunk, **{k: np.repeat(v[:1], n, axis=0) for k, v in arrays.items()} | {"step": np.arange(n)})
    return f"{n} snapshots in {chunk.name}"


def _text(case: Path, file: Path, name: str, rng: random.Random) -> str:
    target = case / rng.choice(["manifest.json", "events.json"])
    doc = json.loads(target.read_text())
    strings = [p for p in json_paths(doc) if p and isinstance(_at(doc, p), str)]
    path = rng.choice(strings) if strings else ("config", "name")
    value = rng.choice(CONTROL) + rng.choice(MATHTEXT) + rng.choice(CONTROL)
    parent = doc
    for key in path[:-1]:
        parent = parent.setdefault(key, {}) if isinstance(parent, dict) else parent[key]
    parent[path[-1]] = value
    target.write_text(json.dumps(doc))
    return f"set {target.name} field {path} to {value!r:.60}"


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


HOSTILE = {"symlink": _symlink, "fifo": _fifo, "oversized": _oversized, "absurd": _absurd, "text": _text}


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def check_cli(what: str, code: int, out: str, err: str) -> str | None:
    """None if the command succeeded, or failed with one line 'error: ...' and exit code 2; else what went wrong.
    (A render that fails at a damaged chunk has shown its progress bar first: that line is not part of the error.)"""
    if "Traceback" in out + err:
        return f"{what}: traceback\n{err}"
    if code == 0:
        return None
    lines = [ln for ln in err.splitlines() if ln.strip() and ln.startswith("error: ")]  # not the progress bar's
    if code != 2 or len(lines) != 1 or not err.rstrip().endswith(lines[0]):
        return f"{what}: exit {code}, stderr {err!r}"
    return None


@pytest.mark.filterwarnings("ignore:Duplicate name")  # a hostile member shadowing a real one (zipfile warns)
def test_damaged_recordings_load_or_fail_in_one_line(tmp_path, capsys):
    fixture_before = tree_hash(FIXTURE)
    base = make_base(tmp_path / "base")
    base_before = tree_hash(base)
    rng = random.Random(SEED)
    counts = {"cases": 0, "loaded": 0, "refused": 0, "rendered": 0, "render refused": 0}
    escapes = []
    for n in range(CASES):
        case = tmp_path / f"case{n:03d}"
        shutil.copytree(base, case)
        what = f"case {n}: " + damage(case, rng)
        counts["cases"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # repeated steps warn (RecordingWarning); that is an answer too
            try:
                rec = gananim.load(case)
                len(rec), rec.scalars, analyse(rec).events
                counts["loaded"] += 1
            except GananimError as e:
                rec = None
                counts["refused"] += 1
                if "\n" in str(e):
                    escapes.append(f"{what}: a multi-line error {e}")
            except Exception:
                escapes.append(f"{what}: load raised\n{traceback.format_exc()}")
                continue
            try:
                for argv in (["info", str(case)], ["info", str(case), "--json"]):
                    code, out, err = cli(capsys, *argv)
                    problem = check_cli(f"{what}: {' '.join(argv[:1] + argv[2:])}", code, out, err)
                    if problem:
                        escapes.append(problem)
                    if any(c in out + err for c in "\x1b\x07\x9b\x00"):
                        escapes.append(f"{what}: a control character reached the terminal")
                if rec is not None and counts["rendered"] + counts["render refused"] < RENDER:
                    code, out, err = cli(
                        capsys,
                        "render",
                        str(case),
                        "--size",
                        "160x90",
                        "--fps",
                        "5",
                        "--duration",
                        "1",
                        "--out",
                        str(tmp_path / f"render{n:03d}.gif"),
                    )
                    problem = check_cli(f"{what}: render", code, out, err)
                    if problem:
                        escapes.append(problem)
                    counts["rendered" if code == 0 else "render refused"] += 1
            except Exception:
                escapes.append(f"{what}: the CLI raised\n{traceback.format_exc()}")
        shutil.rmtree(case)
    with capsys.disabled():
        print("\nfuzz:", ", ".join(f"{v} {k}" for k, v in counts.items()))
    assert not escapes, f"{len(escapes)} case(s) escaped:\n" + "\n\n".join(escapes)
    assert counts["cases"] >= 200 and counts["loaded"] and counts["refused"] and counts["rendered"]
    assert tree_hash(base) == base_before and tree_hash(FIXTURE) == fixture_before  # only the copies were damaged


def test_the_base_recording_is_whole(tmp_path):
    """The fuzz test's starting point loads fully, in three chunks, with its events and analysis."""
    rec = gananim.load(make_base(tmp_path / "base"))
    assert len(rec) == 7 and len(list((rec.path / "chunks").glob("*.npz"))) == 3
    assert (rec.path / "analysis.npz").exists() and (rec.path / "events.json").exists()
    assert np.array_equal(rec[6].samples, gananim.load(FIXTURE)[6].samples)


def test_the_seed_gives_the_same_cases(tmp_path):
    """Seeded: a failing case can be rerun exactly."""
    base = make_base(tmp_path / "base")
    a, b = shutil.copytree(base, tmp_path / "a"), shutil.copytree(base, tmp_path / "b")
    rng_a, rng_b = random.Random(SEED), random.Random(SEED)
    for _ in range(5):
        assert damage(a, rng_a) == damage(b, rng_b) and tree_hash(a) == tree_hash(b)
