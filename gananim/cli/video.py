"""The `gananim` commands that write videos: render (views), scene (manim explainers), export (TensorBoard, W&B)."""

from __future__ import annotations

from pathlib import Path

import click

from gananim.cli.kit import NO_VIDEO, VIEW_HELP, Finite, announce, complete_view, on_interrupt, wrote
from gananim.cli.player import export_html
from gananim.cli.terminal import LazyProgress, render_columns, say
from gananim.errors import GananimError


@click.command()
@click.argument("runs", nargs=-1, required=True, metavar="RUN...", type=click.Path(path_type=Path))
@click.option("--view", help=VIEW_HELP, shell_complete=complete_view)
@click.option("--out", type=click.Path(path_type=Path), help="FILE.mp4|.webm|.gif, or a folder for all web formats.")
@click.option("--embed", is_flag=True, help="Write WebM, MP4, GIF, a poster and an HTML snippet into a folder.")
@click.option(
    "--size", default="720p", show_default=True, help="720p, 1080p, square or WIDTHxHEIGHT (at most 7680x4320)."
)
@click.option("--fps", type=Finite(min=1, max=120), default=30, show_default=True)
@click.option("--steps", "step_range", metavar="A:B", help="Only training steps A to B.")
@click.option(
    "--speed",
    type=Finite(min=0.01),
    default=1.0,
    show_default=True,
    help="Play faster than the default length (2 = half as long).",
)
@click.option(
    "--duration", type=Finite(min=0.1), help="Video length in seconds [default: 8-20, from the snapshot count]."
)
@click.option("--dashboard", is_flag=True, help="Put the dashboard beside the view.")
@click.option(
    "--max-mb", type=Finite(min=0.01), help="Size budget for GIFs: met by lowering fps and size [--embed: 3]."
)
@click.option(
    "--crf",
    multiple=True,
    metavar="N|FORMAT=N",
    help="Video quality, lower is better and larger: MP4 0-51 [20], WebM 0-63 [33]; N sets both, mp4=N one.",
)
@click.option(
    "--preset", metavar="NAME", help="Encoding speed, x264's names ultrafast..veryslow (slower: smaller) [veryfast]."
)
@click.option("--controls", is_flag=True, help="--embed: show the browser's play/pause bar in the snippet.")
@click.option("--title", help="Title on every frame [default: the experiment's name].")
@click.option(
    "--slowmo",
    type=Finite(min=1),
    is_flag=False,
    flag_value=3.0,
    default=1.0,
    help="Slow events down further, on top of the default pacing: each snapshot FACTOR times as long, the clip "
    "longer for it [flag alone: 3].",
)
@click.option(
    "--even",
    is_flag=True,
    help="Give every training step the same time: no pacing by change and events (captions still held to be read).",
)
@click.option(
    "--data-points/--no-data-points",
    default=None,
    help="Draw the recording's stored real samples as dots in the 2D views [default: where data came as samples].",
)
@click.option(
    "--scalars",
    metavar="NAME[,NAME…]",
    help="The dashboard's panels: any recorded scalars, by name; names with '/' grouped (a panel per group, "
    "the group's name picks all of it).",
)
@on_interrupt(NO_VIDEO)
def render(
    runs,
    view,
    out,
    embed,
    size,
    fps,
    step_range,
    speed,
    duration,
    dashboard,
    max_mb,
    crf,
    preset,
    controls,
    title,
    slowmo,
    even,
    data_points,
    scalars,
) -> None:
    """Render RUN (or 2–4 RUNs side by side) to web-ready video."""
    from gananim.recording.reader import load
    from gananim.rendering.pipeline import render_files as render_runs

    recs = [load(r) for r in runs]
    with LazyProgress(*render_columns()) as progress:
        written = render_runs(
            recs,
            view,
            out,
            size=size,
            fps=fps,
            steps=step_range,
            speed=speed,
            duration=duration,
            embed=embed,
            dashboard=dashboard,
            max_mb=max_mb,
            title=title,
            slowmo=slowmo,
            even=even,
            data_points=data_points,
            scalars=scalars,
            crf=crf,
            preset=preset,
            controls=controls,
            announce=announce,
            progress=progress.update,
        )
    wrote(written)


@click.command(short_help="Render a manim explainer scene by name (recording its runs), or a script of RUN(s).")
@click.argument("script", required=False, metavar="NAME|SCRIPT")
@click.argument("runs", nargs=-1, metavar="[RUN...]", type=click.Path(path_type=Path))
@click.option("--list", "listing", is_flag=True, help="Name each scene with its story and the runs it records.")
@click.option(
    "--quality",
    type=click.Choice(["low", "medium", "high"]),
    default="medium",
    show_default=True,
    help="480p at 15 fps, 720p at 30 or 1080p at 30.",
)
@click.option("--out", type=click.Path(path_type=Path), help="FILE.mp4|.webm|.gif, or a folder for all web formats.")
@click.option("--embed", is_flag=True, help="Write WebM, MP4, GIF, a poster and an HTML snippet into a folder.")
@click.option("--max-mb", type=Finite(min=0.01), help="Size budget for GIFs: met by lowering fps and size.")
@on_interrupt(NO_VIDEO)
def scene(script, runs, listing, quality, out, embed, max_mb) -> None:
    """Render the explainer NAME (e.g. collapse; see --list), recording the runs it needs at their defaults into
    runs/ (reused when they are there already), or the manim SCRIPT (e.g. scenes/mode_hopping.py) of RUN (or several).

    Needs the scenes extra: pip install 'gananim[scenes]'.
    """
    from gananim.rendering.catalogue import resolve_script

    if listing:
        if script or runs:
            raise GananimError("--list takes no scene or runs: `gananim scene --list`")
        list_scenes()
        return
    if not script:
        raise GananimError("name a scene (see `gananim scene --list`), e.g. `gananim scene collapse`, or give a script")
    path, entry = resolve_script(script)
    if path.suffix != ".py":
        raise GananimError(
            f"{script} is not a scene script (a .py file): the script comes first, "
            f"e.g. `gananim scene scenes/mode_hopping.py runs/four-points`"
        )
    if not runs:
        if entry is None:
            raise GananimError(
                f"{script} is not a scene gananim knows: give its recordings, `gananim scene {script} RUN...`"
            )
        from gananim.cli.scene_runs import prepare_runs

        runs = prepare_runs(entry, say=say)
    from gananim.recording.reader import load
    from gananim.rendering.scenes import render_scene

    recs = [load(r) for r in runs]  # a wrong path is refused before manim is imported (seconds)
    with LazyProgress(*render_columns("scene")) as progress:
        written = render_scene(recs, path, out, quality=quality, embed=embed, max_mb=max_mb, progress=progress.update)
    wrote(written)


def list_scenes() -> None:
    """One row per scene: its name, its story, the runs `gananim scene NAME` records."""
    from rich.table import Table
    from rich.text import Text

    from gananim.cli.terminal import stdout_console
    from gananim.rendering.catalogue import SCENES

    table = Table(box=None, pad_edge=False)
    for column in ("scene", "story", "runs (presets at their defaults)"):
        table.add_column(column)
    for entry in SCENES.values():
        table.add_row(Text(entry.name, "bold"), Text(entry.story), Text(" ".join(entry.runs)))
    stdout_console().print(table)


@click.command("export")
@click.argument("runs", nargs=-1, required=True, metavar="RUN...", type=click.Path(path_type=Path))
@click.option(
    "--html",
    "html_dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Write the interactive player (index.html, script, style, data) for the RUNs, side by side, into DIR.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    help="--html: the fixed samples the player keeps of a 1D/2D run (the first ones) [default: 1000].",
)
@click.option(
    "--tensorboard",
    "tensorboard_dir",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Write TensorBoard event files into DIR/NAME: scalars, events, the clip as a GIF.",
)
@click.option("--wandb", "to_wandb", is_flag=True, help="Log to Weights & Biases: scalars, the clip as a wandb.Video.")
@click.option("--project", help="wandb project [default: gananim].")
@click.option("--name", help="wandb run name [default: the experiment's name].")
@click.option("--overwrite", is_flag=True, help="Replace this recording's earlier TensorBoard event files.")
@click.option(
    "--view", help="The clip's view, as for `gananim render` [default: by data and D].", shell_complete=complete_view
)
@click.option("--size", default="640x360", show_default=True, help="The clip's size: 720p, square or WIDTHxHEIGHT.")
@click.option("--fps", type=Finite(min=1, max=60), default=15, show_default=True)
@click.option(
    "--duration", type=Finite(min=0.1), help="The clip's length in seconds [default: 8-20, from the snapshot count]."
)
@click.option("--dashboard", is_flag=True, help="Put the dashboard beside the view.")
@on_interrupt("interrupted: the export may be incomplete; run it again (with --overwrite for --tensorboard)")
def export_run(
    runs, html_dir, samples, tensorboard_dir, to_wandb, project, name, overwrite, view, size, fps, duration, dashboard
) -> None:
    """Export RUN's scalars, events and rendered clip to TensorBoard and/or Weights & Biases; --html: the interactive
    player of one or more RUNs."""
    from gananim.rendering.export import export

    if html_dir is None and tensorboard_dir is None and not to_wandb:
        raise GananimError(
            "say where to export: --tensorboard DIR, --wandb, or both; or --html DIR for the interactive player"
        )
    if len(runs) > 1 and (tensorboard_dir is not None or to_wandb):
        raise GananimError("--tensorboard and --wandb export one RUN at a time; several RUNs go to --html only")
    if html_dir is not None:
        export_html(runs, html_dir, samples)
        if tensorboard_dir is None and not to_wandb:
            return
    run = runs[0]

    with LazyProgress(*render_columns()) as progress:
        done = export(
            run,
            tensorboard=tensorboard_dir,
            wandb=to_wandb,
            project=project,
            name=name,
            overwrite=overwrite,
            view=view,
            size=size,
            fps=fps,
            duration=duration,
            dashboard=dashboard,
            progress=progress.update,
        )
    for line in done:
        say(f"exported to {line}")
