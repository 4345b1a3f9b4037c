"""Real image sets' features, cached in files that gan-bench writes and reads itself.

torch-fidelity's own cache reads its files with ``torch.load(weights_only=False)``, so a pickle
planted in a cache folder that others can write (a cluster's scratch, a CI cache) would run as the
user at the next FID. gan-bench turns that cache off and hands torch-fidelity tensors only; the
real set's features live here instead, one file per real set and feature layer,
``$GAN_BENCH_CACHE/real-features/NAME.pt``, holding ``{"format", "name", "sha256", "features"}``.
A file is written atomically and read with gan_bench.storage.data_only_load (tensors, numbers and strings
only: nothing in it can run), and its features' content SHA-256 (gan_bench.storage.cache.content_sha256)
and name are checked; a file failing either check is a one-line error naming it. The checksum finds
damage, not a forger: whoever can write the cache folder can change the numbers, never run code.
"""

from collections.abc import Callable
from pathlib import Path

import torch

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_torch_save
from gan_bench.storage.cache import CACHE_ENV, cache_dir, content_sha256
from gan_bench.storage.data_only_load import load_data_only
from gan_bench.storage.safe_paths import inside
from gan_bench.storage.writable_folder import require_writable_folder

FORMAT = "gan-bench-real-features/1"
CACHE_SUBDIR = "real-features"


def cache_file(name: str, cache_root: Path | None = None) -> Path:
    """Where the features cached under ``name`` live."""
    return inside(Path(cache_root) if cache_root else cache_dir() / CACHE_SUBDIR, f"{name}.pt")


def cached_features(name: str, compute: Callable[[], torch.Tensor],
                    cache_root: Path | None = None) -> torch.Tensor:
    """The (N, d) features cached under ``name``, else ``compute()``'s, then cached."""
    path = cache_file(name, cache_root)
    if path.exists():
        return read_features(path, name)
    require_writable_folder(path.parent, f"cache folder (set by {CACHE_ENV})")  # before computing
    features = compute().detach().cpu().contiguous()
    atomic_torch_save(path, {"format": FORMAT, "name": name, "sha256": _sha256(features),
                             "features": features})
    return features


def read_features(path: Path, name: str) -> torch.Tensor:
    """The features in ``path``, checked to be data only, of ``name`` and undamaged."""
    advice = f"delete {path} to rebuild it"
    stored = load_data_only(path, f"real-set features cache file {path}")
    features = stored.get("features") if isinstance(stored, dict) else None
    if not (isinstance(features, torch.Tensor) and features.dim() == 2
            and stored.get("format") == FORMAT and stored.get("name") == name):
        raise GanBenchError(f"{path} is not gan-bench's cache of the features of {name}; {advice}")
    found = _sha256(features)
    if found != stored.get("sha256"):
        raise GanBenchError(f"real-set features cache file {path} is corrupted (sha256 {found[:12]}..., "
                            f"saved {str(stored.get('sha256'))[:12]}...); {advice}")
    return features


def _sha256(features: torch.Tensor) -> str:
    return content_sha256({"features": features.numpy()})
