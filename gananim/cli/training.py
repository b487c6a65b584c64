"""Training a lab config into a recording from the command line: under a progress bar, with a summary line after
(`gananim record`, `gananim demo`, and `gananim scene NAME` when it records the runs a scene needs)."""

from __future__ import annotations

from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from gananim.analysis.summary import human_size
from gananim.cli.kit import Interrupted
from gananim.cli.terminal import LazyProgress, RateColumn, say
from gananim.text import visible


def train_with_progress(cfg, out: Path, *, overwrite: bool, resume: bool, again: str) -> Path:
    """Run the lab trainer under a progress bar showing steps/s and the latest losses; Ctrl-C says how to go on."""
    from gananim.extras import require_torch

    require_torch()
    from gananim.lab.train import run

    columns = [
        TextColumn("{task.fields[name]}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[losses]}", markup=False),
    ]
    reached = [None]
    try:
        with LazyProgress(*columns, total=cfg.steps, name=visible(cfg.name), losses="") as progress:

            def report(step: int, scalars: dict[str, float]) -> None:
                reached[0] = step
                progress.update(step, losses="  ".join(f"{k} {v:.3f}" for k, v in scalars.items()))

            path = run(cfg, out, overwrite=overwrite, resume=resume, progress=report)
            progress.update(cfg.steps)
    except KeyboardInterrupt:
        where = f"at step {reached[0]:,} of {cfg.steps:,}" if reached[0] is not None else "before the first step"
        raise Interrupted(f"interrupted {where}: what was flushed is in {out}; {again}") from None
    return Path(path)


def print_summary(path: Path) -> None:
    from gananim.recording.reader import load

    rec = load(path)
    steps = f"steps {rec.steps[0]}–{rec.steps[-1]}" if len(rec) else "no steps"
    say(f"recorded {len(rec)} snapshots ({steps}) to {path} ({human_size(rec.nbytes())})")
