"""WebVTT for an embed: captions (drawn over the video) and chapters (a player's list of sections), one cue per event."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from gananim.recording import atomic
from gananim.text import plain

if TYPE_CHECKING:
    from gananim.rendering.pipeline import Timeline


def _stamp(t: float) -> str:
    return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:06.3f}"


def _cues(events: list, timeline: Timeline, text: Callable, min_seconds: float = 0.0) -> str:
    """WebVTT, one cue per event while the video shows it (an event outside the chosen steps has none).

    `min_seconds` keeps a short event's cue up long enough to read, until the next cue or the clip's end.
    """
    shown = [(e, span) for e in sorted(events, key=lambda e: e.start) if (span := timeline.seconds(e.start, e.end))]
    clip = len(timeline) / timeline.fps
    cues = ["WEBVTT", ""]
    for k, (e, (start, end)) in enumerate(shown):
        later = shown[k + 1][1][0] if k + 1 < len(shown) else clip
        end = max(end, min(start + min_seconds, max(later, end), clip))
        # cue text is HTML-like (& and < are markup) and ends at a blank line: escaped, on one line, and a
        # recording's control characters (ESC, BEL) never reach the player
        line = html.escape(plain(text(e)), quote=False)
        cues += [str(k + 1), f"{_stamp(start)} --> {_stamp(end)}", line, ""]
    return "\n".join(cues)


def chapters_vtt(events: list, timeline: Timeline) -> str:
    """WebVTT chapters, one cue per event while the video shows it, captioned like the frames."""
    return _cues(events, timeline, lambda e: e.caption)


def captions_vtt(events: list, timeline: Timeline) -> str:
    """WebVTT captions, shown over the video while each event plays: the steps, then the frames' caption.

    Browsers draw a captions track (the snippet makes it the default one) and never a chapters track;
    as text, the captions also reach readers the frames' pixels don't (screen readers, search). A cue
    stays up at least CAPTION_SECONDS (an event can pass in a few frames), unless the next one starts.
    """

    def text(e) -> str:
        steps = f"step {e.start:,}" if e.start == e.end else f"steps {e.start:,}–{e.end:,}"
        return f"{steps}: {e.caption}"

    return _cues(events, timeline, text, CAPTION_SECONDS)


CAPTION_SECONDS = 2.5  # time to read a caption of about ten words


def write_vtt(path: Path, text: str) -> Path:
    """Write a WebVTT file, replacing any old one only once it is whole."""
    atomic.atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return path
