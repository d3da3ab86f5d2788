"""Classroom mode: rooms in SQLite (genapp/rooms.py), the discriminator game (genapp/studio/classroom.py) and
its named endpoints."""
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, needs_data
from genapp import hub, rooms
from genapp.studio import BadRequest
from genapp.studio import augment, classroom, polls


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(rooms.DIR_ENV, str(tmp_path))
    return tmp_path


def test_a_code_is_eight_unguessable_symbols_typed_any_way(tmp_path):
    store = rooms.Store(tmp_path / "rooms.sqlite3")
    opened = [store.open("mnist", ("gan",)) for _ in range(200)]
    codes, keys = {c for c, _ in opened}, {k for _, k in opened}
    assert len(codes) == len(keys) == 200 and all(len(c) == 8 and set(c) <= set(rooms.ALPHABET) for c in codes)
    assert len(rooms.ALPHABET) ** rooms.CODE_LENGTH > 10 ** 12 and all(len(k) == 32 for k in keys)
    assert rooms.normal_code(" 7k3m-q9xt ") == "7K3MQ9XT" and rooms.normal_code("OIL00000") == "01100000"
    for bad in ("", "7K3M", "7K3M-Q9XT-1", "7K3M*Q9X", None, 12345678):
        with pytest.raises(rooms.RoomError):
            rooms.normal_code(bad)


def test_a_class_plays_the_discriminator_and_the_teacher_sees_who_was_fooled(store_dir):
    opened = classroom.room_open("mnist", ["vae", "gan"])
    students = [classroom.room_join(f"{opened.code[:4]}-{opened.code[4:]}".lower(), name) for name in ("a", "b", "c")]
    truths = []

    def answer(token):
        q = classroom.quiz_next(opened.code, token)
        assert q.picture.size == (224, 224)
        v = classroom.quiz_answer(opened.code, token, q.qid, "real")         # this class calls everything real
        assert v.right == (v.truth == "real") and v.truth in ("real", "vae", "gan")
        truths.append(v.truth)
    for token in students:
        for _ in range(6):
            answer(token)
    while len(set(truths) & {"real"}) != 1 or set(truths) == {"real"}:       # even odds: both kinds, sooner or later
        answer(students[0])
    r = classroom.room_results(opened.code, opened.key)
    assert r.students == 3 and r.answers == len(truths) and r.real_called_real == 1.0
    shown = sum(f.shown for f in r.families)
    assert [f.family for f in r.families] == ["vae", "gan"] and all(f.fooled in (None, 1.0) for f in r.families)
    assert shown == sum(t != "real" for t in truths) and all(f.precision and f.fd_eval for f in r.families)


def test_asking_again_and_again_adds_nothing_and_an_answer_counts_once(store_dir):
    opened = classroom.room_open("mnist", ["gan"])
    token = classroom.room_join(opened.code)
    first = classroom.quiz_next(opened.code, token)
    assert {classroom.quiz_next(opened.code, token).qid for _ in range(20)} == {first.qid}   # a flood of Next
    classroom.quiz_answer(opened.code, token, first.qid, "generated")
    with pytest.raises(BadRequest, match="answered already"):
        classroom.quiz_answer(opened.code, token, first.qid, "real")
    assert classroom.quiz_next(opened.code, token).answered == 1


def test_a_room_is_closed_to_other_rooms_to_wrong_keys_and_after_a_day(store_dir, monkeypatch):
    a, b = classroom.room_open("mnist", ["vae"]), classroom.room_open("fashion", ["rbm"])
    alice, bob = classroom.room_join(a.code, "alice"), classroom.room_join(b.code, "bob")
    q = classroom.quiz_next(a.code, alice)
    with pytest.raises(BadRequest, match="not joined this room"):
        classroom.quiz_next(b.code, alice)                                 # a token of another room
    with pytest.raises(BadRequest, match="not yours"):
        classroom.quiz_answer(b.code, bob, q.qid, "real")                 # another room's question
    with pytest.raises(BadRequest, match="Only the teacher"):
        classroom.room_results(a.code, b.key)
    assert classroom.room_results(b.code, b.key).answers == 0              # nothing of room a leaked into b
    monkeypatch.setattr(rooms, "LIFETIME_S", -1)
    with pytest.raises(BadRequest, match="rooms last a day"):
        classroom.room_join(a.code)


def test_a_full_room_says_so(store_dir, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 2)
    opened = classroom.room_open("mnist", ["vae"])
    classroom.room_join(opened.code), classroom.room_join(opened.code)
    with pytest.raises(BadRequest, match="full"):
        classroom.room_join(opened.code)


WRITER = """
import sys
from genapp import hub, rooms
store = rooms.Store(sys.argv[1])
code, key = store.open("mnist", ("gan",))
token = store.join(code, "s")
print(code, flush=True)
for i in range(100000):
    qid = store.ask(token, "gan", "real", i)
    store.answer(token, qid, "real")
    print("ack", i, flush=True)
"""


def test_no_acknowledged_answer_is_lost_when_the_app_is_killed(tmp_path):
    path = tmp_path / "rooms.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    code = proc.stdout.readline().strip()
    acked, t0 = 0, time.time()
    while acked < 50 and time.time() - t0 < 60:
        if proc.stdout.readline().startswith("ack"):
            acked += 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(rooms.Store(path).answered(code)) >= acked > 0


def test_the_endpoints_run_a_room_through_the_app(client):
    message, code, key, _ = client.predict("mnist", ["vae", "gan", "rbm"], api_name="/room_open")
    assert code in message.replace("-", "").replace("*", "") and f"?room={code}" in message     # its link
    token, qid, picture, sound, text, said = client.predict(code, "ann", api_name="/room_join")
    assert len(token) == 32 and int(qid) > 0 and "Real, or generated?" in said
    assert picture["visible"] and picture["value"].endswith(".png") and not sound["visible"] and not text["visible"]
    qid2, *_ = client.predict(code, token, api_name="/quiz_next")
    assert qid2 == qid                                                      # unanswered: the same picture
    verdict = client.predict(code, token, qid, "generated", api_name="/quiz_answer")
    assert "right of 1" in verdict
    table, summary = client.predict(code, key, api_name="/room_results")
    assert "1 students have joined; 1 answers" in summary and len(table["data"]) == 3
    with pytest.raises(Exception, match="Only the teacher"):
        client.predict(code, "0" * 32, api_name="/room_results")


def test_a_class_predicts_then_sees_what_was_measured_and_the_teacher_sees_the_split(store_dir):
    opened = classroom.room_open("mnist", ["gan"])
    ann, bob, cy = (classroom.room_join(opened.code, n) for n in ("ann", "bob", "cy"))
    measured = polls.POLLS["collapse"].measured()
    assert measured.answer == "recall" and "recall 0.000" in measured.said      # read off gan-mnist-collapsed's card
    right = classroom.poll_answer(opened.code, ann, "collapse", "recall")
    assert right.right and right.measured == "recall" and "python -m genapp eval" in right.said
    assert not classroom.poll_answer(opened.code, bob, "collapse", "precision").right
    classroom.poll_answer(opened.code, cy, "denoise", "lower it")
    with pytest.raises(BadRequest, match="answered this question already"):
        classroom.poll_answer(opened.code, bob, "collapse", "recall")              # the first answer stands
    assert classroom.poll_mine(opened.code, bob, "collapse") == "precision"
    assert classroom.poll_mine(opened.code, cy, "collapse") is None
    rows = {r.poll: r for r in classroom.room_polls(opened.code, opened.key)}
    assert set(rows) == set(polls.POLLS)
    assert rows["collapse"].counts == {"precision": 1, "recall": 1, "both": 0, "neither": 0}
    assert rows["collapse"].right == 0.5 and rows["denoise"].right == 1.0 and rows["gibbs"].right is None
    best = max(augment.stored_augmentation().rows, key=lambda r: r.change)         # the augment command's table
    assert rows["augment"].measured == hub.describe(best.generator).family.upper()
    for bad in (dict(poll="colour"), dict(answer="maybe"), dict(poll="denoise", answer="recall")):
        with pytest.raises(BadRequest):
            classroom.poll_answer(opened.code, cy, **{"poll": "inpaint", "answer": "a random half", **bad})
    with pytest.raises(BadRequest, match="Only the teacher"):
        classroom.room_polls(opened.code, "0" * 32)
    other = classroom.room_open("mnist", ["vae"])
    with pytest.raises(BadRequest, match="not joined this room"):
        classroom.poll_answer(other.code, ann, "gibbs", "get sharper")            # a token of another room
    assert all(sum(r.counts.values()) == 0 for r in classroom.room_polls(other.code, other.key))


def test_the_poll_endpoints_through_the_app(client):
    _, code, key, _ = client.predict("mnist", ["gan"], api_name="/room_open")
    token = client.predict(code, "ann", api_name="/room_join")[0]
    said = client.predict(code, token, "inpaint", "a random half", api_name="/poll_answer")
    assert said.startswith("Not this time") and "measured: **the bottom half**" in said
    table = client.predict(code, key, api_name="/room_polls")
    row = next(r for r in table["data"] if r[0] == "Uses: inpainting")
    assert row[2] == "the bottom half: 0 · a random half: 1" and row[3] == "the bottom half" and row[4] == "0%"


@pytest.mark.parametrize("dataset, shown", [pytest.param(d, shown, marks=needs_data(d)) for d, shown in
                                            [("fsdd", "sound"), ("notes", "sound"), ("names", "text"), ("lines", "text")]])
def test_a_room_of_sounds_or_names_shows_each_as_itself(store_dir, dataset, shown):
    """A sound comes as a clip (and its spectrogram), a name or a line as text; real ones from the test split,
    the same for the same question, and every family's examples come out."""
    opened = classroom.room_open(dataset, ["vae", "gan", "rbm"])
    token = classroom.room_join(opened.code, "ann")
    truths, items = set(), []
    for i in range(12):
        q = classroom.quiz_next(opened.code, token)
        again = classroom.quiz_next(opened.code, token)
        if shown == "sound":
            rate, pcm = q.sound
            assert rate >= 8000 and pcm.dtype.name == "int16" and len(pcm) >= rate and q.text is None
            assert q.picture is not None and (again.sound[1] == pcm).all()
            items.append(pcm.tobytes())
        else:
            assert isinstance(q.text, str) and q.text.strip() and q.picture is None and q.sound is None
            assert again.text == q.text
            items.append(q.text)
        truths.add(classroom.quiz_answer(opened.code, token, q.qid, "real").truth)
    assert len(set(items)) > 6 and "real" in truths and len(truths) >= 2        # real, and made by the families
