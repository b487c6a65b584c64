"""The `gananim` commands that read a recording: info (what it holds) and analyze (its metrics and events, cached)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click
import numpy as np
from rich.table import Table
from rich.text import Text

from gananim.cli.kit import NOTHING_WRITTEN, on_interrupt
from gananim.cli.terminal import say, stdout_console
from gananim.text import visible


def scalar_summary(series: np.ndarray) -> dict[str, float | None]:
    """first/last/min/max/mean of a scalar series, ignoring NaN."""
    finite = series[np.isfinite(series)]
    if not len(finite):
        return {"first": None, "last": None, "min": None, "max": None, "mean": None}
    return {
        "first": float(finite[0]),
        "last": float(finite[-1]),
        "min": float(finite.min()),
        "max": float(finite.max()),
        "mean": float(finite.mean()),
    }


def json_lines(fields: dict) -> str:
    """One JSON object, a top-level field a line: short enough to read, every value whole for `jq .steps`."""
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items()) + "\n}"


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@on_interrupt(NOTHING_WRITTEN)
def info(run: Path, as_json: bool) -> None:
    """Print a recording's manifest, a summary of its scalars and metrics, and its events."""
    from gananim.analysis import analyse
    from gananim.recording.reader import load

    rec = load(run)
    analysis = analyse(rec)
    m = rec.manifest
    summary = {name: scalar_summary(series) for name, series in analysis.series.items()}
    if as_json:
        click.echo(
            json_lines(
                {
                    "path": str(run),
                    "kind": rec.kind,
                    "snapshots": len(rec),
                    "steps": rec.steps.tolist(),
                    "bytes": rec.nbytes(),
                    "manifest": m,
                    "scalars": summary,
                    "analysed": list(analysis.analysed),
                    "events": [e.to_dict() for e in analysis.events],
                }
            )
        )
        return
    from gananim.analysis.summary import describe

    console = stdout_console()
    table = Table(box=None, show_header=False, pad_edge=False)
    for key, value in describe(rec, run):  # values hold paths and manifest strings: Text keeps them literal
        table.add_row(
            Text(key, style="bold"), Text(visible(value), overflow="fold")
        )  # fold: long paths wrap, never cut
    console.print(table)
    scalars = Table(title="scalars", title_justify="left")
    for col in ("name", "first", "last", "min", "max", "mean"):
        scalars.add_column(col, justify="left" if col == "name" else "right")
    for name, s in summary.items():
        scalars.add_row(
            Text(visible(name), overflow="fold"),
            *("—" if s[k] is None else f"{s[k]:.4g}" for k in ("first", "last", "min", "max", "mean")),
        )
    console.print(scalars)
    events = analysis.events
    console.print(f"[bold]events[/] ({len(events)})" if events else "[bold]events[/]: none detected")
    from gananim.analysis.events import timeline

    for line in timeline(events):
        say(line)


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@on_interrupt(
    lambda run: (
        f"interrupted: {run} is unchanged or holds only complete new files; "
        f"run `{shlex.join(['gananim', 'analyze', str(run)])}` again to finish"
    )
)
def analyze(run: Path) -> None:
    """Compute RUN's metrics and events from its stored arrays and cache them beside it; the recording stays untouched."""
    from gananim.analysis.analyser import SERIES_FILE, analyse
    from gananim.analysis.events import timeline
    from gananim.recording.atomic import check_writable
    from gananim.recording.reader import load

    rec = load(run)
    check_writable(rec.path)  # this command's job is the cache: refuse a read-only recording before the work
    analysis = analyse(rec)
    where = f"cached in {run / SERIES_FILE}" if analysis.cached else f"not cached: writing into {run} failed"
    say(f"{len(analysis.analysed)} metric series computed from the stored arrays ({where})")
    say(f"{len(analysis.events)} events" + (":" if analysis.events else ""))
    for line in timeline(analysis.events):
        say(line)
