"""Suite definitions: the typed dataclasses a suite file loads into, and option parsing."""
