"""The `gananim` command: record, presets, info, render, scene, analyze, export, demo. User mistakes print one line and exit 2."""

from __future__ import annotations

import functools
import json
import math
import shlex
import sys
from pathlib import Path

import click
import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from gananim.errors import GananimError
from gananim.terminal import LazyProgress, RateColumn, console, human_size, notes_to_terminal, render_columns, say, shout


class Interrupted(Exception):
    """Ctrl-C inside a command, carrying what was (not) written and how to go on."""


def on_interrupt(note):
    """Turn Ctrl-C inside a command into Interrupted(note), note a string or a function of the command's options."""

    def wrap(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            try:
                return command(*args, **kwargs)
            except KeyboardInterrupt:
                raise Interrupted(note(**kwargs) if callable(note) else note) from None

        return run

    return wrap


class Finite(click.FloatRange):
    """A FloatRange that also refuses nan and inf (click lets them through: nan compares False with any bound)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


NOTHING_WRITTEN = "interrupted: nothing was written"
VIEW_HELP = ("1D/2D points: goodfellow-1d, mapping, surface, density, mountains, gradients; images: grid, interp, projection, "
             "d-hist; either: dashboard [default: by the recording: grid for images].")
NO_VIDEO = "interrupted: no video was written (video files appear only once complete)"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gananim")
def cli() -> None:
    """Record GAN training, then render it to web-ready video."""


def _resolve_config(preset: str | None, config: str | None):
    """The Config named by a preset or read from a TOML file (exactly one of the two)."""
    from gananim.config import load_config
    from gananim.lab.presets import load_preset

    if bool(preset) == bool(config):
        raise GananimError("give a preset name (see `gananim presets`) or --config FILE, not both and not neither")
    return load_preset(preset) if preset else load_config(config)


def _precheck_out(out: Path, overwrite: bool, resume: bool) -> None:
    """Refuse early (before importing torch, before anything is created) an --out that cannot be a recording."""
    if overwrite and resume:
        raise GananimError("--overwrite and --resume exclude each other: replace the recording, or continue it")
    try:
        if out.exists() and not out.is_dir():
            raise GananimError(f"--out {out} is a file, not a folder: a recording is a folder; choose another --out")
        if not out.exists():
            above = next((p for p in out.absolute().parents if p.exists()), None)
            if above is not None and not above.is_dir():
                raise GananimError(f"cannot create {out}: {above} is a file, not a folder; choose another --out")
            return
        if any(out.iterdir()) and not (overwrite or resume):
            raise GananimError(f"recording {out} already exists; add --overwrite to replace it or --resume to continue it")
    except OSError as e:
        raise GananimError(f"cannot use --out {out}: {e.strerror or e}") from None


def _resume_command(preset, config_file, out: Path, steps, every, seed, float16) -> str:
    """The command line that continues this run: the same config and overrides, the same --out, plus --resume."""
    argv = ["gananim", "record", *([preset] if preset else ["--config", config_file]), "--out", str(out)]
    for flag, value in (("--steps", steps), ("--every", every), ("--seed", seed)):
        if value is not None:
            argv += [flag, str(value)]
    return shlex.join(argv + (["--float16"] if float16 else []) + ["--resume"])


@cli.command()
@click.argument("preset", nargs=-1)  # a preset name, or after `--` a script and its arguments
@click.option("--config", "config_file", type=str, help="A TOML config file (copy one with `gananim presets --show NAME`).")
@click.option("--steps", type=click.IntRange(min=0), help="Training steps (overrides the config).")
@click.option("--every", type=click.IntRange(min=1), help="Snapshot every K steps (overrides the config).")
@click.option("--seed", type=int, help="Random seed (overrides the config).")
@click.option("--out", type=click.Path(path_type=Path), help="Recording folder [default: runs/NAME].")
@click.option("--overwrite", is_flag=True, help="Replace an existing recording.")
@click.option("--resume", is_flag=True, help="Continue an existing recording from its checkpoint.")
@click.option("--float16", is_flag=True, help="Store snapshot arrays as float16 (half the size).")
@click.option("--data", "data_file", metavar="FILE", help="Script: real samples (.npy/.npz) [default: the batches D is shown].")
@click.option("--view-box", metavar="LO,HI[,LO,HI]", help="Script: the view box of 1D/2D data, instead of --data.")
@click.option("--generator", metavar="NAME", help="Script: the generator's attribute path or class name [default: found].")
@click.option("--discriminator", metavar="NAME", help="Script: the discriminator's attribute path or class name.")
@on_interrupt("interrupted before training started: nothing was written")
def record(preset, config_file, steps, every, seed, out, overwrite, resume, float16, **script) -> int | None:
    """Train a toy GAN from PRESET or --config FILE and record it; or record your script: -- python train.py ARGS."""
    from gananim.script.runner import default_out, is_command

    if is_command(preset) or any(script.values()):
        if config_file or steps is not None or resume or not is_command(preset):
            raise GananimError("--config, --steps and --resume are for presets, --data, --view-box, --generator and "
                               "--discriminator for scripts: gananim record [OPTIONS] -- python train.py ARGS")
        _precheck_out(out or default_out(list(preset)), overwrite, False)
        from gananim.script.record import record_script

        return record_script(list(preset), out, every, seed=seed, float16=float16, overwrite=overwrite, **script,
                             say=lambda line: shout(line, label=None))
    cfg = _resolve_config(preset[0] if preset else None, config_file)
    if steps is not None:
        cfg.steps = steps
    if every is not None:
        cfg.record.every = every
    if seed is not None:
        cfg.seed = seed
    cfg.record.float16 = cfg.record.float16 or float16
    cfg.validate()  # the overrides too: a refused value leaves nothing on disk
    out = out or Path("runs") / cfg.name
    _precheck_out(out, overwrite, resume)
    again = _resume_command(preset[0] if preset else None, config_file, out, steps, every, seed, float16)
    path = _train_with_progress(cfg, out, overwrite=overwrite, resume=resume, again=f"continue with `{again}`")
    _print_summary(path)


def _train_with_progress(cfg, out: Path, *, overwrite: bool, resume: bool, again: str) -> Path:
    """Run the lab trainer under a progress bar showing steps/s and the latest losses; Ctrl-C says how to go on."""
    from gananim.extras import require_torch

    require_torch()
    from gananim.lab.train import run

    columns = [TextColumn("{task.fields[name]}", style="bold", markup=False), BarColumn(), MofNCompleteColumn(),
               RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[losses]}", markup=False)]
    reached = [None]
    try:
        with LazyProgress(*columns, total=cfg.steps, name=cfg.name, losses="") as progress:

            def report(step: int, scalars: dict[str, float]) -> None:
                reached[0] = step
                progress.update(step, losses="  ".join(f"{k} {v:.3f}" for k, v in scalars.items()))

            path = run(cfg, out, overwrite=overwrite, resume=resume, progress=report)
            progress.update(cfg.steps)
    except KeyboardInterrupt:
        where = f"at step {reached[0]:,} of {cfg.steps:,}" if reached[0] is not None else "before the first step"
        raise Interrupted(f"interrupted {where}: what was flushed is in {out}; {again}") from None
    return Path(path)


def _print_summary(path: Path) -> None:
    from gananim.store import load

    rec = load(path)
    steps = f"steps {rec.steps[0]}–{rec.steps[-1]}" if len(rec) else "no steps"
    say(f"recorded {len(rec)} snapshots ({steps}) to {path} ({human_size(rec.nbytes())})")


@cli.command()
@click.option("--show", metavar="NAME", help="Print a preset's TOML, to copy and edit.")
@on_interrupt(NOTHING_WRITTEN)
def presets(show: str | None) -> None:
    """List the built-in experiments (presets)."""
    from gananim.lab.presets import DEFAULT_PRESET, list_presets, preset_path

    if show is not None:  # `--show ''` is a (wrong) name too, not a request for the list
        click.echo(preset_path(show).read_text(), nl=False)
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    for name, description in list_presets():
        table.add_row(Text.assemble((name, "bold"), " (default)" if name == DEFAULT_PRESET else ""), Text(description))
    console.print(table)


def _scalar_summary(series: np.ndarray) -> dict[str, float | None]:
    """first/last/min/max/mean of a scalar series, ignoring NaN."""
    finite = series[np.isfinite(series)]
    if not len(finite):
        return {"first": None, "last": None, "min": None, "max": None, "mean": None}
    return {"first": float(finite[0]), "last": float(finite[-1]), "min": float(finite.min()),
            "max": float(finite.max()), "mean": float(finite.mean())}


def _json_lines(fields: dict) -> str:
    """One JSON object, a top-level field a line: short enough to read, every value whole for `jq .steps`."""
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in fields.items()) + "\n}"


@cli.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@on_interrupt(NOTHING_WRITTEN)
def info(run: Path, as_json: bool) -> None:
    """Print a recording's manifest, a summary of its scalars and metrics, and its events."""
    from gananim.analysis import analyse
    from gananim.store import load

    rec = load(run)
    analysis = analyse(rec)
    m = rec.manifest
    summary = {name: _scalar_summary(series) for name, series in analysis.series.items()}
    if as_json:
        click.echo(_json_lines({"path": str(run), "kind": rec.kind, "snapshots": len(rec), "steps": rec.steps.tolist(),
                                "bytes": rec.nbytes(), "manifest": m, "scalars": summary,
                                "analysed": list(analysis.analysed),
                                "events": [e.to_dict() for e in analysis.events]}))
        return
    from gananim.summary import describe

    table = Table(box=None, show_header=False, pad_edge=False)
    for key, value in describe(rec, run):  # values hold paths and manifest strings: Text keeps them literal
        table.add_row(Text(key, style="bold"), Text(value, overflow="fold"))  # fold: long paths wrap, never cut
    console.print(table)
    scalars = Table(title="scalars", title_justify="left")
    for col in ("name", "first", "last", "min", "max", "mean"):
        scalars.add_column(col, justify="left" if col == "name" else "right")
    for name, s in summary.items():
        scalars.add_row(Text(name, overflow="fold"), *("—" if s[k] is None else f"{s[k]:.4g}" for k in ("first", "last", "min", "max", "mean")))
    console.print(scalars)
    events = analysis.events
    console.print(f"[bold]events[/] ({len(events)})" if events else "[bold]events[/]: none detected")
    from gananim.events import timeline

    for line in timeline(events):
        say(line)


def _wrote(written: list[Path]) -> None:
    say("wrote " + ", ".join(f"{p} ({human_size(p.stat().st_size)})" for p in written))


@cli.command()
@click.argument("runs", nargs=-1, required=True, metavar="RUN...", type=click.Path(path_type=Path))
@click.option("--view", help=VIEW_HELP)
@click.option("--out", type=click.Path(path_type=Path), help="FILE.mp4|.webm|.gif, or a folder for all web formats.")
@click.option("--embed", is_flag=True, help="Write WebM, MP4, GIF, a poster and an HTML snippet into a folder.")
@click.option("--size", default="720p", show_default=True, help="720p, 1080p, square or WIDTHxHEIGHT (at most 7680x4320).")
@click.option("--fps", type=Finite(min=1, max=120), default=30, show_default=True)
@click.option("--steps", "step_range", metavar="A:B", help="Only training steps A to B.")
@click.option("--speed", type=Finite(min=0.01), default=1.0, show_default=True, help="Play faster than the default length (2 = half as long).")
@click.option("--duration", type=Finite(min=0.1), help="Video length in seconds [default: 8-20, from the snapshot count].")
@click.option("--dashboard", is_flag=True, help="Put the dashboard beside the view.")
@click.option("--max-mb", type=Finite(min=0.01), help="Size budget for GIFs: met by lowering fps and size [--embed: 3].")
@click.option("--crf", multiple=True, metavar="N|FORMAT=N",
              help="Video quality, lower is better and larger: MP4 0-51 [20], WebM 0-63 [33]; N sets both, mp4=N one.")
@click.option("--preset", metavar="NAME", help="Encoding speed, x264's names ultrafast..veryslow (slower: smaller) [veryfast].")
@click.option("--controls", is_flag=True, help="--embed: show the browser's play/pause bar in the snippet.")
@click.option("--title", help="Title on every frame [default: the experiment's name].")
@click.option("--slowmo", type=Finite(min=1), is_flag=False, flag_value=3.0, default=1.0,
              help="Slow down around detected events: each snapshot shown FACTOR times as long [flag alone: 3].")
# Scenes moved to `gananim scene`; the old options stay, hidden, only to say so.
@click.option("--scene", "scene_file", hidden=True)
@click.option("--quality", hidden=True)
@on_interrupt(NO_VIDEO)
def render(runs, view, out, embed, size, fps, step_range, speed, duration, dashboard, max_mb, crf, preset, controls, title,
           slowmo, scene_file, quality) -> None:
    """Render RUN (or 2–4 RUNs side by side) to web-ready video."""
    if scene_file is not None or quality is not None:
        argv = ["gananim", "scene", scene_file or "scenes/NAME.py", *map(str, runs), *(["--quality", quality] if quality else [])]
        raise GananimError(f"render draws views; scenes have their own command: {shlex.join(argv)}")
    from gananim.pipeline import render_files as render_runs
    from gananim.store import load

    recs = [load(r) for r in runs]
    with LazyProgress(*render_columns()) as progress:
        written = render_runs(recs, view, out, size=size, fps=fps, steps=step_range, speed=speed, duration=duration,
                              embed=embed, dashboard=dashboard, max_mb=max_mb, title=title, slowmo=slowmo,
                              crf=crf, preset=preset, controls=controls, announce=_announce, progress=progress.update)
    _wrote(written)


def _announce(target: Path, frames: int, fps: float) -> None:
    """Say where the render goes before the first frame is drawn (a bare `render` writes into ./renders/)."""
    into = f"into {target}{'/' if target.suffix == '' else ''}"
    say(f"rendering {frames:,} frames ({frames / fps:.1f} s at {fps:g} fps) {into}")


@cli.command(short_help="Render a manim explainer scene of RUN(s).")
@click.argument("script", type=click.Path(path_type=Path))
@click.argument("runs", nargs=-1, required=True, metavar="RUN...", type=click.Path(path_type=Path))
@click.option("--quality", type=click.Choice(["low", "medium", "high"]), default="medium", show_default=True,
              help="480p at 15 fps, 720p at 30 or 1080p at 30.")
@click.option("--out", type=click.Path(path_type=Path), help="FILE.mp4|.webm|.gif, or a folder for all web formats.")
@click.option("--embed", is_flag=True, help="Write WebM, MP4, GIF, a poster and an HTML snippet into a folder.")
@click.option("--max-mb", type=Finite(min=0.01), help="Size budget for GIFs: met by lowering fps and size.")
@on_interrupt(NO_VIDEO)
def scene(script, runs, quality, out, embed, max_mb) -> None:
    """Render the manim explainer SCRIPT (e.g. scenes/mode_hopping.py) of RUN (or several RUNs).

    Needs the scenes extra: pip install 'gananim[scenes]'.
    """
    if script.suffix != ".py":
        raise GananimError(f"{script} is not a scene script (a .py file): the script comes first, "
                           f"e.g. `gananim scene scenes/mode_hopping.py runs/four-points`")
    from gananim.scene_runner import render_scene
    from gananim.store import load

    recs = [load(r) for r in runs]  # a wrong path is refused before manim is imported (seconds)
    with LazyProgress(*render_columns("scene")) as progress:
        written = render_scene(recs, script, out, quality=quality, embed=embed, max_mb=max_mb, progress=progress.update)
    _wrote(written)


@cli.command()
@click.option("--steps", type=click.IntRange(min=1), help="Training steps [default: the preset's].")
@click.option("--out", type=click.Path(path_type=Path), default=Path("renders"), show_default=True, help="Folder for the videos.")
@on_interrupt("interrupted: run `gananim demo` again to start over")
def demo(steps, out) -> None:
    """Record the default preset and render its headline video (the README's main job)."""
    from gananim.lab.presets import DEFAULT_PRESET, load_preset
    from gananim.pipeline import render_files as render_runs

    cfg = load_preset(DEFAULT_PRESET)
    if steps:
        cfg.steps = steps
    cfg.validate()
    run_dir = Path("runs") / "demo"  # the demo owns this folder: running it again replaces it
    path = _train_with_progress(cfg, run_dir, overwrite=True, resume=False, again="run `gananim demo` again to start over")
    _print_summary(path)
    with LazyProgress(*render_columns()) as progress:
        written = render_runs(path, None, out / f"{cfg.name}", embed=True, dashboard=True, announce=_announce,
                              progress=progress.update)
    _wrote(written)


@cli.command()
@click.argument("run", type=click.Path(path_type=Path))
@on_interrupt(lambda run: f"interrupted: {run} is unchanged or holds only complete new files; "
                          f"run `{shlex.join(['gananim', 'analyze', str(run)])}` again to finish")
def analyze(run: Path) -> None:
    """Compute RUN's metrics and events from its stored arrays and cache them beside it; the recording stays untouched."""
    from gananim.analysis import SERIES_FILE, analyse
    from gananim.atomic import check_writable
    from gananim.events import timeline
    from gananim.store import load

    rec = load(run)
    check_writable(rec.path)  # this command's job is the cache: refuse a read-only recording before the work
    analysis = analyse(rec)
    where = f"cached in {run / SERIES_FILE}" if analysis.cached else f"not cached: writing into {run} failed"
    say(f"{len(analysis.analysed)} metric series computed from the stored arrays ({where})")
    say(f"{len(analysis.events)} events" + (":" if analysis.events else ""))
    for line in timeline(analysis.events):
        say(line)


@cli.command("export")
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--tensorboard", "tensorboard_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Write TensorBoard event files into DIR/NAME: scalars, events, the clip as a GIF.")
@click.option("--wandb", "to_wandb", is_flag=True, help="Log to Weights & Biases: scalars, the clip as a wandb.Video.")
@click.option("--project", help="wandb project [default: gananim].")
@click.option("--name", help="wandb run name [default: the experiment's name].")
@click.option("--overwrite", is_flag=True, help="Replace this recording's earlier TensorBoard event files.")
@click.option("--view", help="The clip's view, as for `gananim render` [default: by data and D].")
@click.option("--size", default="640x360", show_default=True, help="The clip's size: 720p, square or WIDTHxHEIGHT.")
@click.option("--fps", type=Finite(min=1, max=60), default=15, show_default=True)
@click.option("--duration", type=Finite(min=0.1), help="The clip's length in seconds [default: 8-20, from the snapshot count].")
@click.option("--dashboard", is_flag=True, help="Put the dashboard beside the view.")
@on_interrupt("interrupted: the export may be incomplete; run it again (with --overwrite for --tensorboard)")
def export_run(run, tensorboard_dir, to_wandb, project, name, overwrite, view, size, fps, duration, dashboard) -> None:
    """Export RUN's scalars, events and rendered clip to TensorBoard and/or Weights & Biases."""
    from gananim.export import export

    with LazyProgress(*render_columns()) as progress:
        done = export(run, tensorboard=tensorboard_dir, wandb=to_wandb, project=project, name=name, overwrite=overwrite,
                      view=view, size=size, fps=fps, duration=duration, dashboard=dashboard, progress=progress.update)
    for line in done:
        say(f"exported to {line}")


NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2 raises it for a bare command


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI; user errors become one line on stderr and exit code 2, Ctrl-C says how to go on."""
    notes_to_terminal()
    try:
        code = cli.main(args=argv, prog_name="gananim", standalone_mode=False)
    except GananimError as e:
        shout(str(e))
        return 2
    except NO_ARGS as e:  # a bare `gananim`: the help, as click itself prints it (not as an error line)
        click.echo(e.ctx.get_help())
        return 2
    except click.ClickException as e:
        shout(e.format_message())
        return 2
    except Interrupted as e:
        shout(str(e), label=None)
        return 130
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C outside any command (while parsing the options)
        shout("interrupted before any command ran: nothing was written", label=None)
        return 130
    return code if isinstance(code, int) else 0  # `record -- script` ends with the script's exit code


if __name__ == "__main__":
    sys.exit(main())
