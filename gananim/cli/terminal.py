"""The terminal side of the CLI: literal one-line messages and lazy rich progress bars.

Everything printed passes user strings (paths, names, manifest values) literally: rich markup is never
interpreted in them, so runs/exp[lr=1e-3] prints as itself.
"""

from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from gananim.text import visible

console = Console()
err_console = Console(stderr=True)

# Output that is not a terminal (a pipe, a file, CI's log) is read by tools and people far from the terminal that
# started it: rich would wrap it at COLUMNS, or at 80 where that is unset, splitting phrases a reader greps for.
# Tables written there are laid out this wide instead, so that no line is ever wrapped.
UNWRAPPED = 10_000


def stdout_console() -> Console:
    """The console for tables on stdout: the terminal's width on a terminal, else wide enough never to wrap
    (whatever COLUMNS says); made at each call, because stdout may have been redirected since import."""
    if sys.stdout.isatty():
        return console
    return Console(file=sys.stdout, width=UNWRAPPED, color_system=None)


def say(message: str) -> None:
    """One unwrapped line on stdout: paths stay whole and greppable, printed literally (no rich markup, control
    characters made visible)."""
    console.print(visible(message), soft_wrap=True, highlight=False, markup=False)


def shout(message: str, label: str | None = "error") -> None:
    """One line on stderr, `label:` in red then the message, literally (paths like runs/exp[lr=1e-3] stay whole,
    control characters made visible)."""
    message = visible(message)
    text = Text.assemble((f"{label}:", "red"), " ", message) if label else Text(message)
    err_console.print(text, soft_wrap=True, highlight=False)


class NoteHandler(logging.Handler):
    """gananim's own log records (e.g. the lab's "nothing to resume: starting over") as `note:` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        shout(record.getMessage(), label="note" if record.levelno < logging.ERROR else "error")


def notes_to_terminal() -> None:
    """Print gananim's warnings as literal `note:` lines instead of Python's default `WARNING:name:` form."""
    logger = logging.getLogger("gananim")
    if not any(isinstance(h, NoteHandler) for h in logger.handlers):
        logger.addHandler(NoteHandler(logging.WARNING))


class RateColumn(ProgressColumn):
    """Items per second, from rich's own speed estimate."""

    def __init__(self, unit: str = "steps/s"):
        super().__init__()
        self.unit = unit

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.1f} {self.unit}" if task.speed else f"… {self.unit}", style="cyan")


class LazyProgress:
    """A rich progress bar that appears with the first update, so errors raised before any work print alone."""

    def __init__(self, *columns: ProgressColumn, total: int | None = None, **fields):
        self.bar = Progress(*columns, console=err_console)
        self.task = self.bar.add_task("", total=total, **fields)
        self.started = False

    def update(self, completed: int, total: int | None = None, **fields) -> None:
        if not self.started:
            self.bar.start()
            self.started = True
        self.bar.update(self.task, completed=completed, **({"total": total} if total else {}), **fields)

    def __enter__(self) -> "LazyProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.started:
            self.bar.stop()


def render_columns(label: str = "render") -> tuple[ProgressColumn, ...]:
    return (
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn("frames/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
