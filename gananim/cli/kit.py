"""What every `gananim` command shares: Ctrl-C notes, option types, the lines that say what was written."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import click

from gananim.analysis.summary import human_size
from gananim.cli.terminal import say
from gananim.rendering.pace import CAPTION_SECONDS


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
VIEW_HELP = (
    "1D/2D points: goodfellow-1d, mapping, surface, density, mountains, gradients; images: grid, interp, projection, "
    "d-hist; either: dashboard [default: by the recording: grid for images]."
)
NO_VIDEO = "interrupted: no video was written (video files appear only once complete)"


def complete_view(ctx, param, incomplete: str) -> list[str]:
    """Shell completion (click's shell_complete) of --view: every registered view's name."""
    from gananim.rendering.views.base import view_names

    return [n for n in view_names() if n.startswith(incomplete)]


def complete_preset(ctx, param, incomplete: str) -> list:
    """Shell completion of a preset name; a script after `--` (or a path being typed) completes as a file."""
    from click.shell_completion import CompletionItem

    from gananim.lab.presets import list_presets

    if ctx.params.get(param.name) or "/" in incomplete or incomplete.endswith(".py"):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(n, help=d) for n, d in list_presets() if n.startswith(incomplete)]


def wrote(written: list[Path]) -> None:
    say("wrote " + ", ".join(f"{p} ({human_size(p.stat().st_size)})" for p in written))


def announce(target: Path, frames: int, fps: float, unread: int = 0, replacing: list[Path] = ()) -> None:
    """Say where the render goes before the first frame is drawn (a bare `render` writes into ./renders/), which
    files of an earlier render it replaces (the same command twice writes the same names, and says so), and how
    many captions the length given leaves too little time to read (gananim.rendering.timeline.Timeline.unread)."""
    into = f"into {target}{'/' if target.suffix == '' else ''}"
    say(f"rendering {frames:,} frames ({frames / fps:.1f} s at {fps:g} fps) {into}")
    if len(replacing) == 1 and replacing[0] == target:
        say(f"replacing {target}, written before")
    elif replacing:
        say(f"replacing {len(replacing)} files written before in {target}/: {', '.join(p.name for p in replacing)}")
    if unread:
        say(
            f"note: {unread} caption{'s are' if unread > 1 else ' is'} on screen less than {CAPTION_SECONDS:g} s at this "
            f"--duration; leave it out and the clip grows until each can be read"
        )
