"""`gananim record -- python train.py ARGS`: record an unmodified training script.

The script runs in this process (gananim.record.script.runner) under a Watcher (gananim.record.script.watcher) that finds G and D
from the module calls and drives a Recorder by G's optimizer steps; the recording's manifest says how they were found.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from gananim.errors import GananimError
from gananim.record.script import runner
from gananim.record.script.conditional import label_hint
from gananim.record.script.data import load_data
from gananim.record.script.watcher import StopScript, Watcher


def record_script(
    command: list[str],
    out: Path | None = None,
    every: int | None = None,
    *,
    seed: int | None = None,
    float16: bool = False,
    overwrite: bool = False,
    data_file: str | None = None,
    view_box: str | None = None,
    generator: str | None = None,
    discriminator: str | None = None,
    say=print,
) -> int:
    """Run `command` (`python train.py ARGS`, `train.py ARGS` or `python -m MODULE ARGS`) recorded; the script's exit code.

    `say` prints gananim's own lines (on stderr: the script's stdout stays its own). Mistakes raise GananimError."""
    kind, target, args = runner.parse(command)
    data = load_data(data_file, view_box)
    out = Path(out) if out else runner.default_out(command, overwrite)
    start = _recorder_start(command, kind, target, out, data, every, seed=seed, float16=float16, overwrite=overwrite)
    watcher = Watcher(start, generator, discriminator, data_given=data is not None)
    code, crash = _run_watched(watcher, kind, target, args)
    if watcher.recorder is None:
        if crash is not None:
            say(f"gananim: nothing was recorded: {target} failed before its first training step")
            return code
        raise GananimError(watcher.not_found())
    _close(watcher, final_snapshot=crash is None)
    say(_summary(watcher, crash))
    return code


def _recorder_start(
    command: list[str],
    kind: str,
    target: str,
    out: Path,
    data,
    every: int | None,
    *,
    seed: int | None,
    float16: bool,
    overwrite: bool,
):
    """What the Watcher calls once it has found G and D: start(G, D, real batch, how found) -> a Recorder, whose
    manifest says which command ran and how G and D were found; a Recorder's refusal names the pair it refused."""
    from gananim.record.options import ProbeOptions
    from gananim.record.recorder import Recorder

    def start(G, D, real, found, conditional=None, inferred=None):
        config = {
            "name": out.name,  # the folder's: runs/train-2 renders as train-2-surface.mp4, not as runs/train
            "description": f"gananim record -- {shlex.join(command)}",
            "script": {"command": list(command), "cwd": os.getcwd(), "found": found},
        }
        try:
            return Recorder(
                out,
                G,
                D,
                real if data is None else data,
                every,
                probes=ProbeOptions(float16=float16),
                seed=seed or 0,
                overwrite=overwrite,
                config=config,
                quiet=True,  # the closing line is record_script's own, naming G and D too
                **({} if conditional is None else dict(zip(("conditional", "labels", "latent_shape"), conditional))),
                inferred=inferred,
            )
        except GananimError as e:
            e = label_hint(e) if conditional is None else e
            raise GananimError(
                f"found the generator {found['generator']} and the discriminator "
                f"{found['discriminator']} ({found['how']}), but: {e}"
            ) from None

    return start


def _run_watched(watcher: Watcher, kind: str, target: str, args: list[str]) -> tuple[int, BaseException | None]:
    """Run the script under the watcher: (its exit code, its exception or None). A StopScript (the watcher's
    refusal) closes the recording and becomes a GananimError."""
    try:
        with watcher:
            code, crash = runner.run(kind, target, args, passthrough=StopScript)
    except StopScript as e:
        _close(watcher, final_snapshot=False)
        if e.discard:  # the folder this run just made holds a pair the user did not choose
            shutil.rmtree(watcher.recorder.path, ignore_errors=True)
        raise GananimError(str(e)) from None
    return code, crash


def _summary(watcher: Watcher, crash: BaseException | None) -> str:
    """The closing line: how many snapshots were recorded, where, of which G and D, and whether the script failed."""
    from gananim.recording.reader import load

    path = watcher.recorder.path
    n = len(load(path))
    what = (
        f"the script failed: the recording up to its failure ({n} snapshots) is in"
        if crash
        else f"recorded {n} snapshots to"
    )
    return f"gananim: {what} {path} (G: {watcher.found['generator']}, D: {watcher.found['discriminator']})"


def _close(watcher: Watcher, final_snapshot: bool) -> None:
    if watcher.recorder is not None:
        watcher.recorder.close(final_snapshot=final_snapshot)
    sys.stdout.flush()
