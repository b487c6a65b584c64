"""The `gananim` command: the group, record, presets, demo and the entry point (info/analyze in cli_inspect, render/scene/export
in cli_video, shared pieces in cli_kit). User mistakes print one line and exit 2."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from gananim.cli.inspect import analyze, info
from gananim.cli.kit import NOTHING_WRITTEN, Interrupted, announce, complete_preset, on_interrupt, wrote
from gananim.cli.player import serve
from gananim.cli.terminal import (
    LazyProgress,
    notes_to_terminal,
    render_columns,
    shout,
    stdout_console,
)
from gananim.cli.training import print_summary as _print_summary
from gananim.cli.training import train_with_progress as _train_with_progress
from gananim.cli.video import export_run, render, scene
from gananim.errors import GananimError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gananim")
def cli() -> None:
    """Record GAN training, then render it to web-ready video."""


for command in (info, render, scene, analyze, export_run, serve):  # each defined in the module for its kind of work
    cli.add_command(command)


def _resolve_config(preset: str | None, config: str | None):
    """The Config named by a preset or read from a TOML file (exactly one of the two)."""
    from gananim.lab.config import load_config
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
            raise GananimError(
                f"recording {out} already exists; add --overwrite to replace it or --resume to continue it"
            )
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
@click.argument(
    "preset", nargs=-1, shell_complete=complete_preset
)  # a preset name, or after `--` a script and its arguments
@click.option(
    "--config", "config_file", type=str, help="A TOML config file (copy one with `gananim presets --show NAME`)."
)
@click.option("--steps", type=click.IntRange(min=0), help="Training steps (overrides the config).")
@click.option("--every", type=click.IntRange(min=1), help="Snapshot every K steps (overrides the config).")
@click.option("--seed", type=int, help="Random seed (overrides the config).")
@click.option("--out", type=click.Path(path_type=Path), help="Recording folder [default: runs/NAME].")
@click.option("--overwrite", is_flag=True, help="Replace an existing recording.")
@click.option("--resume", is_flag=True, help="Continue an existing recording from its checkpoint.")
@click.option("--float16", is_flag=True, help="Store snapshot arrays as float16 (half the size).")
@click.option(
    "--data", "data_file", metavar="FILE", help="Script: real samples (.npy/.npz) [default: the batches D is shown]."
)
@click.option("--view-box", metavar="LO,HI[,LO,HI]", help="Script: the view box of 1D/2D data, instead of --data.")
@click.option(
    "--generator", metavar="NAME", help="Script: the generator's attribute path or class name [default: found]."
)
@click.option("--discriminator", metavar="NAME", help="Script: the discriminator's attribute path or class name.")
@on_interrupt("interrupted before training started: nothing was written")
def record(preset, config_file, steps, every, seed, out, overwrite, resume, float16, **script) -> int | None:
    """Train a toy GAN from PRESET or --config FILE and record it; or record your script: -- python train.py ARGS."""
    from gananim.record.script.runner import default_out, is_command

    if is_command(preset) or any(script.values()):
        if config_file or steps is not None or resume or not is_command(preset):
            raise GananimError(
                "--config, --steps and --resume are for presets, --data, --view-box, --generator and "
                "--discriminator for scripts: gananim record [OPTIONS] -- python train.py ARGS"
            )
        out = out or default_out(list(preset), overwrite)
        _precheck_out(out, overwrite, False)
        from gananim.record.script.record import record_script

        return record_script(
            list(preset),
            out,
            every,
            seed=seed,
            float16=float16,
            overwrite=overwrite,
            **script,
            say=lambda line: shout(line, label=None),
        )
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


@cli.command()
@click.option("--show", metavar="NAME", help="Print a preset's TOML, to copy and edit.", shell_complete=complete_preset)
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
    stdout_console().print(table)


@cli.command()
@click.option("--steps", type=click.IntRange(min=1), help="Training steps [default: the preset's].")
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("renders"), show_default=True, help="Folder for the videos."
)
@on_interrupt("interrupted: run `gananim demo` again to start over")
def demo(steps, out) -> None:
    """Record the default preset and render its headline video (the README's main job)."""
    from gananim.lab.presets import DEFAULT_PRESET, load_preset
    from gananim.rendering.pipeline import render_files as render_runs

    cfg = load_preset(DEFAULT_PRESET)
    if steps:
        cfg.steps = steps
    cfg.validate()
    run_dir = Path("runs") / "demo"  # the demo owns this folder: running it again replaces it
    path = _train_with_progress(
        cfg, run_dir, overwrite=True, resume=False, again="run `gananim demo` again to start over"
    )
    _print_summary(path)
    with LazyProgress(*render_columns()) as progress:
        written = render_runs(
            path, None, out / f"{cfg.name}", embed=True, dashboard=True, announce=announce, progress=progress.update
        )
    wrote(written)


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
