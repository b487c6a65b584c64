"""WebVTT for an embed: captions (drawn over the video) and chapters (a player's list of sections), one cue per event."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from gananim.recording import atomic
from gananim.text import plain

if TYPE_CHECKING:
    from gananim.rendering.timeline import Timeline


def _stamp(t: float) -> str:
    return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:06.3f}"


def _cues(events: list, timeline: Timeline, text: Callable) -> str:
    """WebVTT, one cue per event while the frames show its caption (an event outside the chosen steps has none).

    A cue's times are exactly the frames' (Timeline.seconds, the test Frame.captions makes too): the timeline
    keeps each caption up long enough to read (gananim.rendering.pace.CAPTION_SECONDS), so a cue needs no
    stretching past the frames, which once left it on screen seconds after the frames' caption had gone.
    """
    shown = [(e, span) for e in sorted(events, key=lambda e: e.start) if (span := timeline.seconds(e.start, e.end))]
    cues = ["WEBVTT", ""]
    for k, (e, (start, end)) in enumerate(shown):
        # cue text is HTML-like (& and < are markup) and ends at a blank line: escaped, on one line, and a
        # recording's control characters (ESC, BEL) never reach the player
        line = html.escape(plain(text(e)), quote=False)
        cues += [str(k + 1), f"{_stamp(start)} --> {_stamp(end)}", line, ""]
    return "\n".join(cues)


def chapters_vtt(events: list, timeline: Timeline) -> str:
    """WebVTT chapters, one cue per event while the video shows it, captioned like the frames."""
    return _cues(events, timeline, lambda e: e.caption)


def captions_vtt(events: list, timeline: Timeline) -> str:
    """WebVTT captions while each event plays: the steps, then the frames' caption.

    The frames carry the caption already, so the snippet leaves this track off until a reader turns it on (a
    default track drew every caption twice); as text, it reaches readers the frames' pixels don't (screen
    readers, search) and a player's captions menu.
    """

    def text(e) -> str:
        steps = f"step {e.start:,}" if e.start == e.end else f"steps {e.start:,}–{e.end:,}"
        return f"{steps}: {e.caption}"

    return _cues(events, timeline, text)


def write_vtt(path: Path, text: str) -> Path:
    """Write a WebVTT file, replacing any old one only once it is whole."""
    atomic.atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return path
