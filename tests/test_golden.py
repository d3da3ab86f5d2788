"""Every checkpoint gives the same bytes as the recorded golden run (tests/golden.json): a change of the
code's shape must not change what anyone generates. Re-record only when behaviour is meant to change:
python -m tests.golden > tests/golden.json"""
import json
from pathlib import Path

import pytest

from tests import golden

RECORDED = json.loads((Path(__file__).parent / "golden.json").read_text())
CASES = dict(golden.cases())


def test_every_case_is_recorded_and_every_recorded_case_runs():
    assert sorted(CASES) == sorted(RECORDED)
    families = {case.split()[1].split("-")[0] for case in CASES if case.split()[0] in ("image", "audio", "text")}
    assert {"vae", "gan", "rbm"} <= families
    assert {case.split()[0] for case in CASES} >= {"image", "audio", "text", "walk", "encode", "map", "point"}


@pytest.mark.parametrize("case", sorted(RECORDED))
def test_same_bytes_as_recorded(case):
    """The bytes recorded on this kind of CPU; on another kind, the same numbers to within rounding."""
    result = CASES[case]()
    if golden.digest(result) not in RECORDED[case]["sha256"]:
        assert golden.close(golden.fingerprint(result), RECORDED[case]["fingerprint"]), f"{case}: its output changed"


def test_a_fingerprint_tells_rounding_from_a_change():
    result = CASES["image gan-mnist"]()
    recorded = golden.fingerprint(result)
    assert recorded and golden.close(golden.fingerprint(result), recorded)
    nudged = {k: [x + 1e-6 for x in v] for k, v in recorded.items()}
    assert golden.close(nudged, recorded)                                    # another CPU's rounding
    other = golden.fingerprint(CASES["image vae-mnist"]())
    assert not golden.close(other, recorded)                                 # another picture
