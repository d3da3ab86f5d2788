"""Classroom mode: a teacher opens a room, students join it with its code, and the class plays the
discriminator: each student is shown pictures one at a time, half real test pictures and half made by the
families the teacher picked, and answers real or generated. The teacher sees, live, how often the class was
fooled by each family beside what the evaluator measured of it (the way WaveGAN's authors measured people).

The rooms live in genapp/rooms.py (SQLite, or PostgreSQL); this module draws the questions and adds up the answers."""
import functools
import os
import secrets
from dataclasses import dataclass

import torch
from PIL import Image

from .. import hub, rooms
from ..card import read_metrics
from ..data import DATASETS, load_tensors
from . import polls, render
from .checks import BadRequest, FAMILIES, one_of

ANSWERS = ("real", "generated")
MAX_NAME = 40


def _store() -> rooms.Store:
    """The rooms' store the environment names now: $GENAPP_DATABASE_URL's PostgreSQL, else the SQLite file in
    the folder rooms.folder() names (one store each, opened once)."""
    return _shared_store(os.environ.get(rooms.URL_ENV) or str(rooms.Path(rooms.folder()) / rooms.FILE))


@functools.cache
def _shared_store(where: str) -> rooms.Store:
    return rooms.Store(where)


def quiz_datasets() -> list[str]:
    """The data sets a room can be about (pictures, sounds, names, lines): those every family serves."""
    return [d for d in DATASETS if {c.family for c in hub.serving(d) if c.generates} >= set(FAMILIES)]


@dataclass
class Opened:
    code: str
    key: str                      # the teacher's: what room_results asks for
    dataset: str
    families: tuple


@dataclass
class Question:
    qid: int
    picture: Image.Image | None   # a picture; for a sound, its spectrogram
    answered: int                 # this student's answers so far
    right: int                    # of which right
    sound: tuple | None = None    # (sample rate, int16 PCM) of a sound
    text: str | None = None       # a name or a line


@dataclass
class Verdict:
    right: bool
    truth: str                    # "real", or the family that made it
    answered: int
    score: int                    # right answers so far


@dataclass
class FamilyResult:
    family: str
    checkpoint: str
    shown: int                    # generated pictures answered
    fooled: float | None          # share of them the class called real
    precision: float | None       # what the evaluator measured (its card)
    fd_eval: float | None


@dataclass
class Results:
    code: str
    students: int
    answers: int
    real_called_real: float | None      # the class's eye on real pictures
    families: list


def _check(action):
    """rooms.RoomError -> BadRequest, so every caller speaks one kind of sentence."""
    try:
        return action()
    except rooms.RoomError as e:
        raise BadRequest(str(e)) from None


def room_open(dataset="mnist", families=FAMILIES) -> Opened:
    dataset = one_of(dataset, quiz_datasets(), "a data set for the room")
    families = tuple(families) if isinstance(families, (list, tuple)) else (families,)
    if not families or any(f not in FAMILIES for f in families):
        raise BadRequest(f"Pick one or more families for the room: {', '.join(FAMILIES)}.")
    code, key = _store().open(dataset, tuple(dict.fromkeys(families)))
    return Opened(code, key, dataset, tuple(dict.fromkeys(families)))


def room_join(code, name="") -> str:
    """A student's token in the room (the browser keeps it)."""
    name = (name if isinstance(name, str) else "").strip()[:MAX_NAME] or "a student"
    return _check(lambda: _store().join(code, name))


@functools.cache
def _test_examples(dataset: str) -> torch.Tensor:
    return load_tensors(dataset, hub.data_folder(dataset), "test")[0]


@torch.inference_mode()
def _item(dataset: str, family: str, truth: str, seed: int) -> dict:
    """A question's example, the same every time for its seed: a test example, or one drawn by the family's
    checkpoint with a class of its own; as Question's picture, sound or text. A real sound is heard through
    the same vocoder as a generated one (its log-mel picture turned into sound by Griffin-Lim), so that the
    class judges what was said, not the vocoder."""
    generator = torch.Generator().manual_seed(seed)
    checkpoint = hub.find(dataset, family)
    described = hub.describe(checkpoint)
    if truth == "real":
        try:
            x = _test_examples(dataset)
        except FileNotFoundError as e:         # hub.DataUnavailable, or a file its loader reads
            raise BadRequest(f"This room's real examples ({DATASETS[dataset].title}, its test split) are not on this "
                             f"server, so it can show only generated ones: {e}") from None
        x = x[torch.randint(len(x), (1,), generator=generator)]
    else:
        label = torch.randint(len(described.class_names), (1,), generator=generator) if described.conditional else None
        x = hub.generator(checkpoint).sample(1, generator, label, **described.sampler_options())
    modality = DATASETS[dataset].modality
    if modality == "text":
        return {"text": described.alphabet.decode(x)[0]}
    if modality == "audio":
        sound = described.sound
        return {"picture": render.one_picture(x, "audio"),
                "sound": (sound.sample_rate, sound.pcm16(sound.waveform(x)))}
    return {"picture": render.one_picture(x, "image")}


def _score(answered: list) -> tuple[int, int]:
    right = sum((truth == "real") == (answer == "real") for _, truth, answer in answered)
    return len(answered), right


def quiz_next(code, token) -> Question:
    """The student's next picture: the one still unanswered if there is one (so asking again and again adds
    nothing), else a new one, real or generated by one of the room's families at even odds."""
    student = _check(lambda: _store().student(code, token))
    room, store = student["room"], _store()
    qid = store.pending(student["token"])
    if qid is None:
        truth = ANSWERS[secrets.randbelow(2)]
        family = room["families"][secrets.randbelow(len(room["families"]))]
        qid = store.ask(student["token"], family, truth, secrets.randbelow(2 ** 31))
    q = store.question(student["token"], qid)
    answered, right = _score(store.answered(room["code"], student["token"]))
    return Question(qid, answered=answered, right=right,
                    **{"picture": None} | _item(room["dataset"], q["family"], q["truth"], q["seed"]))


def quiz_answer(code, token, qid, answer) -> Verdict:
    answer = one_of(answer, ANSWERS, "real or generated")
    student = _check(lambda: _store().student(code, token))
    try:
        qid = int(qid)
    except (TypeError, ValueError):
        raise BadRequest("Answer the picture you were shown: press Next for one.") from None
    question = _check(lambda: _store().question(student["token"], qid))
    _check(lambda: _store().answer(student["token"], qid, answer))
    answered, right = _score(_store().answered(student["room"]["code"], student["token"]))
    truth = "real" if question["truth"] == "real" else question["family"]
    return Verdict((question["truth"] == "real") == (answer == "real"), truth, answered, right)


def _teachers_room(code, key) -> dict:
    room = _check(lambda: _store().room(code))
    if not isinstance(key, str) or not secrets.compare_digest(key, room["key"]):
        raise BadRequest("Only the teacher who opened the room sees its results: that key is not theirs.")
    return room


def room_results(code, key) -> Results:
    """The class's answers so far, for the teacher (their key, not the code alone, opens them)."""
    room = _teachers_room(code, key)
    answered = _store().answered(room["code"])
    real = [a for _, truth, a in answered if truth == "real"]
    families = []
    for f in room["families"]:
        calls = [a for family, truth, a in answered if family == f and truth == "generated"]
        checkpoint = hub.find(room["dataset"], f)
        measured = read_metrics(hub.resolve(checkpoint)).get("eval", {})
        families.append(FamilyResult(f, checkpoint, len(calls), sum(a == "real" for a in calls) / len(calls) if calls
                                     else None, measured.get("precision", {}).get("value"),
                                     measured.get("fd_eval", {}).get("value")))
    return Results(room["code"], _store().students(room["code"]), len(answered),
                   sum(a == "real" for a in real) / len(real) if real else None, families)


# Predict, then reveal, pooled (polls.py): each student answers a tab's question once, then sees what was measured

@dataclass
class PollReveal:
    question: str
    yours: str
    measured: str                 # the answer the measurement gives
    said: str                     # its figures and command
    right: bool


@dataclass
class PollResult:
    poll: str
    tab: str
    question: str
    counts: dict                  # answer -> students who gave it, every choice listed
    measured: str | None          # None where it is not measured yet
    right: float | None           # share of the class's answers that match it


def poll_answer(code, token, poll, answer) -> PollReveal:
    """A student's answer to a poll, kept once; then its reveal."""
    p = polls.poll(poll)
    answer = polls.choice(p, answer)
    student = _check(lambda: _store().student(code, token))
    _check(lambda: _store().poll_answer(student["room"]["code"], student["token"], p.name, answer))
    return poll_reveal(p, answer)


def poll_reveal(p, yours: str) -> PollReveal:
    m = p.measured()
    return PollReveal(p.question, yours, m.answer, m.said, yours == m.answer)


def poll_mine(code, token, poll) -> str | None:
    """The student's answer to a poll, if they gave one (so a page opened again shows the reveal)."""
    p = polls.poll(poll)
    student = _check(lambda: _store().student(code, token))
    return _check(lambda: _store().poll_answer_of(student["room"]["code"], student["token"], p.name))


def room_polls(code, key) -> list[PollResult]:
    """The class's answers to every poll, beside what was measured: for the teacher (their key)."""
    room = _teachers_room(code, key)
    results = []
    for p in polls.POLLS.values():
        counts = _store().poll_counts(room["code"], p.name)
        try:
            measured = p.measured().answer
        except BadRequest:
            measured = None
        total = sum(counts.values())
        results.append(PollResult(p.name, p.tab, p.question, {c: counts.get(c, 0) for c in p.choices}, measured,
                                  counts.get(measured, 0) / total if total and measured else None))
    return results
