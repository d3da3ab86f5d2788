"""The rooms' store (genapp/rooms.py) behaves the same in SQLite and in PostgreSQL: every test runs on both, the
second on a throwaway cluster (skipped, saying why, where Debian's postgresql package is not installed)."""
import threading

import pytest

from genapp import rooms
from throwaway_postgres import cluster, needs_postgres, new_database


@pytest.fixture(scope="module")
def postgres():
    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def where(request, tmp_path, monkeypatch):
    """A new, empty database of each kind: a SQLite file, or a PostgreSQL database."""
    monkeypatch.delenv(rooms.URL_ENV, raising=False)
    if request.param == "sqlite":
        return tmp_path / rooms.FILE
    return new_database(request.getfixturevalue("postgres"), tmp_path.name.lower())


@pytest.fixture
def store(where):
    store = rooms.Store(where)
    yield store
    store.close()


def at_once(n, action):
    """action(i) in n threads let go together: what each returned, or the RoomError it raised."""
    start, results = threading.Barrier(n), [None] * n

    def run(i):
        start.wait()
        try:
            results[i] = action(i)
        except rooms.RoomError as e:
            results[i] = e
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def test_a_room_opens_to_its_code_typed_any_way_and_to_no_other(store):
    code, key = store.open("mnist", ("vae", "gan"))
    room = store.room(f" {code[:4]}-{code[4:]} ".lower())
    assert room["code"] == code and room["key"] == key and room["families"] == ("vae", "gan")
    other = "0" * 8 if code != "0" * 8 else "1" * 8
    with pytest.raises(rooms.RoomError, match=f"No room has the code {other}"):
        store.join(other, "ann")
    with pytest.raises(rooms.RoomError, match="letters and digits"):
        store.room("7K3M")


def test_a_student_belongs_to_one_room(store):
    a, _ = store.open("mnist", ("vae",))
    b, _ = store.open("mnist", ("vae",))
    ann = store.join(a, "ann")
    assert store.student(a, ann)["name"] == "ann" and store.students(a) == 1 and store.students(b) == 0
    with pytest.raises(rooms.RoomError, match="not joined this room"):
        store.student(b, ann)


def test_a_full_room_says_so_even_to_students_joining_at_once(where, monkeypatch):
    monkeypatch.setattr(rooms, "MAX_STUDENTS", 5)
    with rooms.Store(where) as first:
        code, _ = first.open("mnist", ("gan",))
    stores = [rooms.Store(where) for _ in range(3)]        # three connections: as if three app processes
    joined = at_once(16, lambda i: stores[i % 3].join(code, f"s{i}"))
    refused = [r for r in joined if isinstance(r, rooms.RoomError)]
    assert len(joined) - len(refused) == 5 and all("is full (5 students)" in str(e) for e in refused)
    assert stores[0].students(code) == 5
    [s.close() for s in stores]


def test_a_question_is_answered_once_even_when_answered_at_once(where):
    first = rooms.Store(where)
    code, _ = first.open("mnist", ("gan",))
    ann, bob = first.join(code, "ann"), first.join(code, "bob")
    qid = first.ask(ann, "gan", "real", 7)
    assert first.ask(ann, "gan", "generated", 8) > qid and first.pending(ann) == qid
    assert first.question(ann, qid) == {"family": "gan", "truth": "real", "seed": 7, "answer": None}
    with pytest.raises(rooms.RoomError, match="not yours"):
        first.question(bob, qid)
    stores = [rooms.Store(where) for _ in range(4)]
    results = at_once(8, lambda i: stores[i % 4].answer(ann, qid, ("real", "generated")[i % 2]))
    assert sum(r is None for r in results) == 1
    assert all("answered already" in str(r) for r in results if r is not None)
    assert first.answered(code) == [("gan", "real", first.question(ann, qid)["answer"])]
    assert first.answered(code, bob) == []
    [s.close() for s in stores + [first]]


def test_a_poll_counts_each_students_first_answer(store):
    code, _ = store.open("mnist", ("vae",))
    other, _ = store.open("mnist", ("vae",))
    ann, bob, cy = (store.join(code, name) for name in ("ann", "bob", "cy"))
    stranger = store.join(other, "dee")
    assert store.poll_counts(code, "sharper") == {} and store.poll_answer_of(code, ann, "sharper") is None
    store.poll_answer(code, ann, "sharper", "gan")
    store.poll_answer(code, bob, "sharper", "gan")
    store.poll_answer(code, cy, "sharper", "vae")
    store.poll_answer(code, ann, "blurrier", "vae")                  # another poll: another answer
    store.poll_answer(other, stranger, "sharper", "rbm")             # another room's
    with pytest.raises(rooms.RoomError, match="You have answered this question already"):
        store.poll_answer(code, ann, "sharper", "rbm")
    with pytest.raises(rooms.RoomError, match="not joined this room"):
        store.poll_answer(code, stranger, "sharper", "rbm")
    assert store.poll_counts(code, "sharper") == {"gan": 2, "vae": 1}
    assert store.poll_counts(code, "blurrier") == {"vae": 1} and store.poll_counts(other, "sharper") == {"rbm": 1}
    assert store.poll_answer_of(code, ann, "sharper") == "gan" and store.poll_answer_of(code, cy, "blurrier") is None
    with pytest.raises(rooms.RoomError, match="not joined this room"):
        store.poll_answer_of(other, ann, "sharper")


def test_a_poll_is_answered_once_even_when_answered_at_once(where):
    first = rooms.Store(where)
    code, _ = first.open("mnist", ("vae",))
    ann = first.join(code, "ann")
    stores = [rooms.Store(where) for _ in range(4)]
    results = at_once(8, lambda i: stores[i % 4].poll_answer(code, ann, "sharper", f"answer {i}"))
    assert sum(r is None for r in results) == 1
    assert first.poll_counts(code, "sharper") == {f"answer {results.index(None)}": 1}
    [s.close() for s in stores + [first]]


def test_nothing_of_a_room_is_read_after_a_day_and_the_next_room_deletes_it(store, monkeypatch):
    code, _ = store.open("mnist", ("gan",))
    ann = store.join(code, "ann")
    store.answer(ann, store.ask(ann, "gan", "real", 1), "real")
    store.poll_answer(code, ann, "sharper", "gan")
    monkeypatch.setattr(rooms, "LIFETIME_S", -1)
    for read in (lambda: store.room(code), lambda: store.join(code, "bob"), lambda: store.student(code, ann),
                 lambda: store.poll_counts(code, "sharper"), lambda: store.poll_answer_of(code, ann, "sharper"),
                 lambda: store.poll_answer(code, ann, "blurrier", "vae")):
        with pytest.raises(rooms.RoomError, match="rooms last a day"):
            read()
    store.open("mnist", ("gan",))                                     # deletes the expired room, with all it held
    monkeypatch.setattr(rooms, "LIFETIME_S", 24 * 3600)
    with pytest.raises(rooms.RoomError, match="No room has the code"):
        store.room(code)
    assert store.students(code) == 0 and store.answered(code) == [] and store.pending(ann) is None
    for table in ("students", "questions", "polls"):
        assert store._read(f"SELECT COUNT(*) FROM {table}") == [(0,)]


def test_the_database_url_wins_over_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv(rooms.URL_ENV, "mysql://somewhere/rooms")
    with pytest.raises(ValueError, match="names a PostgreSQL database"):
        rooms.Store(tmp_path / rooms.FILE)


@needs_postgres
def test_with_the_database_url_set_every_store_is_that_database(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv(rooms.URL_ENV, new_database(postgres, "by_url"))
    a, b = rooms.Store(tmp_path / "a" / rooms.FILE), rooms.Store()
    code, _ = a.open("mnist", ("gan",))
    assert b.room(code)["code"] == code and not (tmp_path / "a").exists()
    a.close(), b.close()
