"""The `gananim` commands of the interactive player: `export --html` (a folder, see gananim.rendering.player.folder)
and `serve` (live on localhost, gananim.rendering.player.serve)."""

from __future__ import annotations

from pathlib import Path

import click

from gananim.cli.kit import wrote
from gananim.cli.terminal import say
from gananim.errors import GananimError


def export_html(runs: tuple[Path, ...], out: Path, samples: int | None = None) -> None:
    """`gananim export RUN [RUN...] --html DIR`: the player for the runs, side by side, in DIR."""
    from gananim.recording.reader import load
    from gananim.rendering.player.folder import write_player

    written = write_player([load(r) for r in runs], out, **({"samples": samples} if samples else {}))
    wrote(list(written.values()))
    say(f"open {written['index.html']} in a browser, or put the folder on any static host")


@click.command("serve")
@click.argument("runs", nargs=-1, required=True, metavar="RUN...", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=6022, show_default=True, help="0 picks a free port.")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="The address to listen on (others can read the runs)."
)
def serve(runs, port, host) -> None:
    """Serve the interactive player for RUN (or several RUNs, side by side) on localhost; it follows the recordings
    as they grow."""
    from gananim.rendering.player.serve import make_server, url_of

    if len(set(map(str, runs))) < len(runs):
        raise GananimError("a recording is given twice; give each RUN once")
    server = make_server(list(runs), host, port)
    say(f"serving {', '.join(map(str, runs))} at {url_of(server)} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.server_close()
