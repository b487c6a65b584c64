"""What a hostile recording costs to open (issue 21): memory and time of `gananim info` and `render` on each bomb.

Each case is a copy of tests/fixtures/v1-2d made hostile; each command runs in a fresh process under
`ulimit -v 4000000` (as the issue's cases were found), and the table gives its exit code, the first line it
printed on stderr, its peak resident memory (the child's ru_maxrss) and its wall time. The bound to check: every
case finishes within seconds and well under the limit, answering with a result or a one-line refusal.

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "v1-2d"
LIMIT_KB = 4_000_000  # ulimit -v, as the cases were found


def add_member(npz: Path, name: str, array: np.ndarray) -> None:
    with zipfile.ZipFile(npz, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open(f"{name}.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array(f, array, allow_pickle=False)


def zeros_member(npz: Path) -> None:
    """An extra 2.5 GB member of zeros deflated into a few MB (the issue's fixed.npz bomb)."""
    with zipfile.ZipFile(npz, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("extra.npy", "w", force_zip64=True) as f:
            header = {"descr": "<f4", "fortran_order": False, "shape": (625_000_000,)}
            np.lib.format.write_array_header_1_0(f, header)
            block = bytes(1 << 24)
            for _ in range(2_500_000_000 // len(block)):
                f.write(block)


def million_snapshots(run: Path, save=np.savez_compressed) -> None:
    """10^6 one-sample snapshots declared in deflated chunks (the issue's 1.5 MB recording); stored, with save=np.savez."""
    m = json.loads((run / "manifest.json").read_text())
    m["n_samples"], m["grid"]["size"] = 1, 1
    (run / "manifest.json").write_text(json.dumps(m))
    with np.load(run / "fixed.npz") as z:
        fixed = dict(z)
    fixed["latents"] = fixed["latents"][:1]
    fixed.pop("data_density", None)
    np.savez(run / "fixed.npz", **fixed)
    shutil.rmtree(run / "chunks")
    (run / "chunks").mkdir()
    n = 1_000_000
    save(run / "chunks" / "000000.npz", step=np.arange(n), samples=np.zeros((n, 1, 2), np.float32),
         density=np.zeros((n, 1, 1), np.float32))  # fmt: skip


def deflated_samples(run: Path) -> None:
    with np.load(run / "chunks" / "000000.npz") as z:
        arrays = dict(z)
    arrays["samples"] = np.zeros((len(arrays["step"]), 20_000_000, 2), np.float32)
    np.savez_compressed(run / "chunks" / "000000.npz", **arrays)


def link_to(name: str, target: str):
    def make(run: Path) -> None:
        (run / name).unlink(missing_ok=True)
        (run / name).symlink_to(target)

    return make


def fifo(name: str):
    def make(run: Path) -> None:
        (run / name).unlink()
        os.mkfifo(run / name)

    return make


CASES = {
    "2.5 GB zeros member in fixed.npz": lambda run: zeros_member(run / "fixed.npz"),
    "2.5 GB zeros member in a chunk": lambda run: zeros_member(run / "chunks" / "000000.npz"),
    "samples deflated (1.1 GB)": deflated_samples,
    "10^6 one-sample snapshots, deflated": million_snapshots,
    "10^6 one-sample snapshots, stored": lambda run: million_snapshots(run, np.savez),
    "manifest.json -> /dev/zero": link_to("manifest.json", "/dev/zero"),
    "events.json -> /dev/zero": link_to("events.json", "/dev/zero"),
    "chunk as a FIFO": fifo("chunks/000000.npz"),
    "manifest as a FIFO": fifo("manifest.json"),
}


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_KB * 1024, LIMIT_KB * 1024))


# the CLI in a child that reports its own peak resident memory as it exits
CHILD = ("import atexit, resource, sys; atexit.register(lambda: print('MAXRSS', resource.getrusage("
         "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)); from gananim.cli.commands import main; "
         "sys.exit(main(sys.argv[1:]))")  # fmt: skip


def measure(argv: list[str]) -> tuple[int, str, float, float]:
    """(exit code, last stderr line, peak RSS MB, seconds) of one CLI run in a fresh, memory-limited process."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, timeout=120,
                              preexec_fn=limited, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
        lines = done.stderr.strip().splitlines()
        peak = next((int(ln.split()[1]) / 1024 for ln in lines if ln.startswith("MAXRSS")), float("nan"))
        said = [ln for ln in lines if not ln.startswith(("MAXRSS", "render"))]
        code, err = done.returncode, (said or ["(ok)"])[-1]
    except subprocess.TimeoutExpired:
        code, err, peak = -1, "timed out after 120 s", float("nan")
    return code, err, peak, time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name, make in CASES.items():
            run = Path(shutil.copytree(FIXTURE, Path(tmp) / "run"))
            for cache in ("analysis.npz", "events.json"):
                (run / cache).unlink(missing_ok=True)
            make(run)
            size = sum(p.stat().st_size for p in run.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
            for argv in (["info", str(run)], ["render", str(run), "--size", "160x90", "--fps", "5", "--duration", "1",
                                              "--out", str(Path(tmp) / "x.gif")]):  # fmt: skip
                code, err, peak, seconds = measure(argv)
                said = err.replace(str(run), "RUN")[:110]
                rows.append((name, argv[0], f"{size:.1f}", code, f"{peak:.0f}", f"{seconds:.1f}", said))
            shutil.rmtree(run)
    print("| case | command | recording MB | exit | peak RSS MB | seconds | answer |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(map(str, row)) + " |")


if __name__ == "__main__":
    main()
