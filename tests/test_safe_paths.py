import pytest

from gan_bench.errors import GanBenchError
from gan_bench.safe_paths import inside


def test_paths_stay_inside_their_folder(tmp_path):
    assert inside(tmp_path, "checkpoints", "a__b__seed0.pt") == tmp_path / "checkpoints" / "a__b__seed0.pt"
    for escaping in (("..", "x.pt"), ("/tmp/x.pt",), ("a", "..", "..", "x")):
        with pytest.raises(GanBenchError, match="resolves outside"):
            inside(tmp_path / "checkpoints", *escaping)
