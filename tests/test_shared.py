"""Results shared between visitors (genapp/ui/shared.py): one computation per key at a time, concurrent
identical calls wait for it, kept results bounded by their size, refusals not kept."""
import threading
import time

import pytest
from PIL import Image

from genapp.ui import shared
from genapp.ui.shared import SharedResults


def test_thirty_identical_calls_at_once_compute_once_and_get_the_same_result():
    results, calls, gate = SharedResults(), [], threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)                    # everyone else arrives while the first computes
        return ("picture", [1, 2])

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(results.get("k", compute))) for _ in range(30)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and len(answers) == 30 and all(a == ("picture", [1, 2]) for a in answers)
    assert results.stats()["computed"] == 1 and results.stats()["waits"] + results.stats()["hits"] == 29


def test_a_refusal_reaches_every_waiter_and_is_not_kept():
    results, calls = SharedResults(), []

    def refuse():
        calls.append(1)
        raise ValueError("Pick between 1 and 64 images")
    for _ in range(2):
        with pytest.raises(ValueError, match="Pick between"):
            results.get("k", refuse)
    assert len(calls) == 2 and results.stats()["kept"] == 0


def test_kept_results_stay_under_their_bound_least_recently_used_out():
    picture = Image.new("RGB", (100, 100))                   # 30,000 bytes
    results = SharedResults(max_bytes=70_000)
    for key in "abc":
        results.get(key, lambda: picture)
    assert results.stats()["kept"] == 2 and results.stats()["bytes"] <= 70_000
    calls = []
    results.get("a", lambda: calls.append(1) or picture)    # "a" went first: computed again
    results.get("c", lambda: calls.append(1) or picture)    # "c" is kept
    assert calls == [1]
    assert results.get("huge", lambda: Image.new("L", (300, 300))) is not None   # over the bound: never kept
    assert results.stats()["bytes"] <= 70_000


def test_shared_handlers_key_on_plain_values_and_hand_out_fresh_containers():
    calls = []

    def handler(seed, progress=None):
        calls.append(seed)
        return {"value": [seed], "label": None}
    fn = shared.shared(handler, "t", SharedResults())
    first, second = fn(3, progress=object()), fn(3, object())     # Gradio passes progress by position
    assert calls == [3] and first == second and first is not second
    first["value"].append(99)                                # Gradio edits an update in place
    assert fn(3) == {"value": [3], "label": None}
    fn([1, 2])                                               # a list is no key: computed every time
    fn([1, 2])
    assert calls == [3, [1, 2], [1, 2]]


def test_the_image_tabs_button_shares_one_result_between_identical_presses():
    from genapp.ui.app import build_app
    demo = build_app()
    run = next(f for f in demo.fns.values() if f.api_name == "generate_image")
    first = run.fn("mnist", "gan", "any", 4, 424242, 10)
    second = run.fn("mnist", "gan", "any", 4, 424242, 10)
    assert first[0][0][0] is second[0][0][0]                # the same picture object: Gradio's file is reused
    third = run.fn("mnist", "gan", "any", 4, 424243, 10)
    assert third[0][0][0] is not first[0][0][0]


def test_a_picture_sent_again_is_not_encoded_again(tmp_path, monkeypatch):
    from gradio import processing_utils
    from genapp.ui import gradio_fixes
    encoded, encode = [], processing_utils.encode_pil_to_bytes
    monkeypatch.setattr(processing_utils, "encode_pil_to_bytes", lambda img, fmt: encoded.append(1) or encode(img, fmt))
    picture = Image.effect_noise((40, 30), 50)
    first = gradio_fixes.save_pil_to_cache(picture, str(tmp_path), format="png")
    assert gradio_fixes.save_pil_to_cache(picture, str(tmp_path), format="png") == first and encoded == [1]
    same_pixels = picture.copy()                             # another object: encoded, and found at the same path
    assert gradio_fixes.save_pil_to_cache(same_pixels, str(tmp_path), format="png") == first and encoded == [1, 1]
