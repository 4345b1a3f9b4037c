"""``torch.load`` restricted to data, for files that someone else could have written.

``torch.load(weights_only=True)`` unpickles with torch's restricted unpickler: it admits tensors,
numbers, strings, bytes, and lists, tuples and dicts of them (plus the globals a caller names), so a
crafted file placed in a results or cache folder cannot run code when gan-bench reads it. A refused
or unreadable file is a one-line error naming it.
"""

import pickle
import warnings
import zipfile

import torch

from gan_bench.errors import GanBenchError


def load_data_only(source, what: str, allowed_globals=()):
    """The object ``torch.load`` reads from ``source`` (a path or a file object) on the CPU, with
    only data and ``allowed_globals`` admitted; ``what`` names the file in errors
    ("checkpoint results/x.pt")."""
    try:
        with torch.serialization.safe_globals(list(allowed_globals)), warnings.catch_warnings():
            # a bare pickle (not torch's zip format) draws a warning before the refusal below
            warnings.filterwarnings("ignore", message="Detected pickle protocol", category=UserWarning)
            return torch.load(source, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GanBenchError(f"refusing {what}: it holds more than weights, numbers and strings "
                            f"({first_line}); delete it if you did not write it") from None
    except (OSError, RuntimeError, EOFError, ValueError, zipfile.BadZipFile) as error:
        raise GanBenchError(f"cannot read {what}: {error}") from None
