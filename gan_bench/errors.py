"""The one exception type whose message is shown to the user as a one-line error."""


class GanBenchError(Exception):
    """A problem with the user's input or environment; the CLI prints it on one line and exits 2."""
