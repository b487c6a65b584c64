"""The one exception type for user mistakes: the CLI prints it as one line and exits 2."""


class GananimError(Exception):
    """A user-facing error: bad input, a missing or corrupt recording, an invalid config."""
