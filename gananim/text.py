"""Text from a recording shown as text: control characters made visible or removed (a shared leaf; stdlib only).

A recording's strings (a config name, a caption, a scalar's name) are a stranger's: printed raw, an escape
sequence retitles the terminal, clears it, hides text or plants a link; in a WebVTT file it reaches the player.
"""

from __future__ import annotations

# C0 (tab and newline among them: a value is one line), DEL and C1 (ESC's 8-bit forms)
CONTROL = (*range(0x20), 0x7F, *range(0x80, 0xA0))
_VISIBLE = {c: f"\\x{c:02x}" for c in CONTROL}
_REMOVED = dict.fromkeys(CONTROL, " ")


def visible(text) -> str:
    """`text` with every control character written out as \\xNN (\\x1b for ESC): safe for a terminal, and a reader
    still sees that something was there."""
    return str(text).translate(_VISIBLE)


def plain(text) -> str:
    """`text` on one line with control characters turned into spaces and runs of spaces collapsed (captions)."""
    return " ".join(str(text).translate(_REMOVED).split())


def literal(text) -> str:
    """`text` for matplotlib to draw as it is: one line (`plain`), every `$` escaped, so no part of it is parsed as
    mathtext (outside math mode backslashes and braces draw as themselves)."""
    return plain(text).replace("$", r"\$")


__all__ = ["CONTROL", "literal", "plain", "visible"]
