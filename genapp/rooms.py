"""Classroom rooms: a room a teacher opens, the students who join it, every question a student was asked and
how they answered, and their answers to a lesson's polls. The one module that speaks SQL: to SQLite (Python's
sqlite3) on one machine, or to PostgreSQL (psycopg 3) when several app processes serve one class.

Where: $GENAPP_DATABASE_URL (postgresql://user:password@host/name) when it is set, so every app process behind a
load balancer serves the same rooms; else SQLite's file rooms.sqlite3 in $GENAPP_ROOMS_DIR, else /data (a
Space's persistent storage) when it is writable, else a folder in the system's temporary directory. Each write
is one transaction committed before the caller is answered (SQLite: WAL journal, synchronous FULL), so a kill -9
loses no acknowledged answer. The checks that must hold for everyone at once (at most MAX_STUDENTS in a room, a
question or a poll answered once) are made inside the transaction that writes, so they hold across processes.

A room's code is 8 symbols of Crockford's base32 drawn by `secrets` (40 bits: a trillion codes, so guessing
one open room takes hundreds of billions of tries); a teacher's key and each student's token are 128 random
bits, and nothing of a room is read without them. Rooms expire a day after they open, and nothing of an expired
room can be read; the next room opened deletes them."""
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"      # Crockford's base32: no I, L, O, U
CODE_LENGTH = 8
LIFETIME_S = 24 * 3600
MAX_STUDENTS = 300
DIR_ENV = "GENAPP_ROOMS_DIR"
URL_ENV = "GENAPP_DATABASE_URL"
FILE = "rooms.sqlite3"
POOL_SIZE = 8       # connections per app process: PostgreSQL's default max_connections (100) serves a dozen
# Written once for both: `?` placeholders (PostgreSQL's driver is handed %s), DOUBLE PRECISION for times (REAL
# is 4 bytes in PostgreSQL, a resolution of minutes for a Unix time), {identity} for questions' ids.
SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, teacher_key TEXT NOT NULL, dataset TEXT NOT NULL,
    families TEXT NOT NULL, opened DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS students (token TEXT PRIMARY KEY, code TEXT NOT NULL REFERENCES rooms(code),
    name TEXT NOT NULL, joined DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS questions (id {identity}, token TEXT NOT NULL REFERENCES students(token),
    family TEXT NOT NULL, truth TEXT NOT NULL, seed INTEGER NOT NULL, answer TEXT,
    asked DOUBLE PRECISION NOT NULL, answered DOUBLE PRECISION);
CREATE TABLE IF NOT EXISTS polls (code TEXT NOT NULL, token TEXT NOT NULL REFERENCES students(token),
    poll TEXT NOT NULL, answer TEXT NOT NULL, answered DOUBLE PRECISION NOT NULL, PRIMARY KEY (token, poll));
CREATE INDEX IF NOT EXISTS students_by_room ON students(code);
CREATE INDEX IF NOT EXISTS questions_by_student ON questions(token);
CREATE INDEX IF NOT EXISTS polls_by_room ON polls(code, poll);
"""


class RoomError(ValueError):
    """A wrong or expired code, a full room, a question that is not the student's: said in a sentence."""


def folder() -> Path:
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    if os.access("/data", os.W_OK):
        return Path("/data/genapp")
    return Path(tempfile.gettempdir()) / "genapp-rooms"


def is_postgres(where) -> bool:
    return str(where).startswith(("postgresql://", "postgres://"))


# the two dialects: a transaction that commits when its block ends (rolls back on an exception), and the
# little that SQL says differently

class SQLite:
    """One database file: one connection and a lock, safe to share between threads."""
    identity = "INTEGER PRIMARY KEY AUTOINCREMENT"
    for_update = ""             # BEGIN IMMEDIATE already holds the file's one write lock, for every process

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA.format(identity=self.identity))
        self.lock = threading.Lock()

    @contextmanager
    def transaction(self, write: bool):
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def close(self):
        self.db.close()


class PostgreSQL:
    """One database server: a pool of connections, one per transaction, safe to share between threads."""
    identity = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    for_update = " FOR UPDATE"  # the room's row stays locked till commit: one joining student at a time

    def __init__(self, url: str):
        with psycopg.connect(url) as db:        # a wrong URL fails here, at once, not at the first request
            db.execute("SELECT pg_advisory_xact_lock(25)")      # app processes starting together create once
            db.execute(SCHEMA.format(identity=self.identity))
        self.pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, open=True,
                                   check=ConnectionPool.check_connection)  # a connection the server dropped is replaced

    @contextmanager
    def transaction(self, write: bool):
        with self.pool.connection() as db:      # commits when the block ends
            yield QmarkConnection(db)

    def close(self):
        self.pool.close()


class QmarkConnection:
    """A psycopg connection that takes sqlite3's `?` placeholders."""

    def __init__(self, db: psycopg.Connection):
        self.db = db

    def execute(self, sql: str, args=()) -> psycopg.Cursor:
        return self.db.execute(sql.replace("?", "%s"), args)


class Store:
    """The rooms of one database: a PostgreSQL URL, else a SQLite file. By default, and whatever file is named,
    $GENAPP_DATABASE_URL when it is set (every process of a deployment then shares it); else folder()/FILE."""

    def __init__(self, where: str | Path | None = None):
        if not is_postgres(where) and os.environ.get(URL_ENV):
            where = os.environ[URL_ENV]
            if not is_postgres(where):
                raise ValueError(f"${URL_ENV} names a PostgreSQL database, postgresql://user:password@host/name; "
                                 f"it is {where.split(':')[0]}:...")
        self.db = PostgreSQL(str(where)) if is_postgres(where) else SQLite(Path(where or folder() / FILE))

    def _write(self, sql: str, args=()):
        """One statement, committed: (rows it changed, rows it returned)."""
        with self.db.transaction(write=True) as db:
            cursor = db.execute(sql, args)
            return cursor.rowcount, cursor.fetchall() if cursor.description else []

    def _read(self, sql: str, args=()) -> list:
        with self.db.transaction(write=False) as db:
            return db.execute(sql, args).fetchall()

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # rooms

    def open(self, dataset: str, families: tuple) -> tuple[str, str]:
        """A new room: (its code, the teacher's key). Rooms that have expired go, with all they held."""
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        key = secrets.token_hex(16)
        old = "SELECT code FROM rooms WHERE opened < ?"
        with self.db.transaction(write=True) as db:
            expired = (time.time() - LIFETIME_S,)
            db.execute(f"DELETE FROM polls WHERE code IN ({old})", expired)
            db.execute(f"DELETE FROM questions WHERE token IN (SELECT token FROM students WHERE code IN ({old}))",
                       expired)
            db.execute(f"DELETE FROM students WHERE code IN ({old})", expired)
            db.execute("DELETE FROM rooms WHERE opened < ?", expired)
            db.execute("INSERT INTO rooms VALUES (?, ?, ?, ?, ?)", (code, key, dataset, ",".join(families), time.time()))
        return code, key

    def room(self, code) -> dict:
        """The open room of a code, or RoomError."""
        code = normal_code(code)
        rows = self._read("SELECT dataset, families, opened, teacher_key FROM rooms WHERE code = ?", (code,))
        if not rows:
            raise RoomError(f"No room has the code {code}: check it with your teacher.")
        dataset, families, opened, key = rows[0]
        if opened < time.time() - LIFETIME_S:
            raise RoomError(f"Room {code} has closed: rooms last a day. Ask your teacher for a new code.")
        return {"code": code, "dataset": dataset, "families": tuple(families.split(",")), "opened": opened, "key": key}

    def join(self, code, name: str) -> str:
        """A student's token in the room; the count and the new student are one transaction, so two app processes
        can't both seat the last place."""
        code = self.room(code)["code"]
        token = secrets.token_hex(16)
        with self.db.transaction(write=True) as db:
            if not db.execute("SELECT code FROM rooms WHERE code = ?" + self.db.for_update, (code,)).fetchall():
                raise RoomError(f"Room {code} has closed: rooms last a day. Ask your teacher for a new code.")
            (count,), = db.execute("SELECT COUNT(*) FROM students WHERE code = ?", (code,)).fetchall()
            if count >= MAX_STUDENTS:
                raise RoomError(f"Room {code} is full ({MAX_STUDENTS} students).")
            db.execute("INSERT INTO students VALUES (?, ?, ?, ?)", (token, code, str(name), time.time()))
        return token

    def student(self, code, token) -> dict:
        """The student of a token in the room of a code, or RoomError."""
        room = self.room(code)
        rows = self._read("SELECT name FROM students WHERE token = ? AND code = ?", (str(token), room["code"]))
        if not rows:
            raise RoomError("You have not joined this room: join it with its code first.")
        return {"room": room, "name": rows[0][0], "token": str(token)}

    def students(self, code: str) -> int:
        (count,), = self._read("SELECT COUNT(*) FROM students WHERE code = ?", (code,))
        return count

    # questions

    def ask(self, token: str, family: str, truth: str, seed: int) -> int:
        _, ((qid,),) = self._write("INSERT INTO questions (token, family, truth, seed, asked) VALUES (?, ?, ?, ?, ?) "
                                   "RETURNING id", (token, family, truth, seed, time.time()))
        return qid

    def question(self, token: str, qid) -> dict:
        rows = self._read("SELECT family, truth, seed, answer FROM questions WHERE id = ? AND token = ?",
                          (int(qid), token))
        if not rows:
            raise RoomError("That question was not yours: press Next for one of your own.")
        family, truth, seed, answer = rows[0]
        return {"family": family, "truth": truth, "seed": seed, "answer": answer}

    def pending(self, token: str) -> int | None:
        """The id of the student's question still unanswered, if any."""
        rows = self._read("SELECT id FROM questions WHERE token = ? AND answer IS NULL", (token,))
        return rows[0][0] if rows else None

    def answer(self, token: str, qid, answer: str):
        """Record an answer; a question is answered once (a second answer is refused)."""
        changed, _ = self._write("UPDATE questions SET answer = ?, answered = ? WHERE id = ? AND token = ? "
                                 "AND answer IS NULL", (answer, time.time(), int(qid), token))
        if changed != 1:
            raise RoomError("That question is answered already, or was not yours: press Next.")

    def answered(self, code: str, token: str | None = None) -> list[tuple]:
        """(family, truth, answer) of every answered question in the room (of one student, given a token)."""
        sql = ("SELECT q.family, q.truth, q.answer FROM questions q JOIN students s ON q.token = s.token "
               "WHERE s.code = ? AND q.answer IS NOT NULL")
        return self._read(sql + (" AND s.token = ?" if token else ""), (code, token) if token else (code,))

    # polls: a question put to the whole room at once, each student's answer kept

    def poll_answer(self, code, token, poll: str, answer: str) -> None:
        """Record a student's answer to the room's poll; a student answers a poll once (a second answer is
        refused, and the first stands)."""
        student = self.student(code, token)
        added, _ = self._write("INSERT INTO polls VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                               (student["room"]["code"], student["token"], str(poll), str(answer), time.time()))
        if added != 1:
            raise RoomError("You have answered this question already: your first answer stands.")

    def poll_counts(self, code, poll: str) -> dict[str, int]:
        """answer -> how many students of the room gave it."""
        room = self.room(code)
        return dict(self._read("SELECT answer, COUNT(*) FROM polls WHERE code = ? AND poll = ? GROUP BY answer "
                               "ORDER BY answer", (room["code"], str(poll))))

    def poll_answer_of(self, code, token, poll: str) -> str | None:
        """The student's own answer to the poll, if they have given one."""
        student = self.student(code, token)
        rows = self._read("SELECT answer FROM polls WHERE code = ? AND token = ? AND poll = ?",
                          (student["room"]["code"], student["token"], str(poll)))
        return rows[0][0] if rows else None


def normal_code(code) -> str:
    """A code as typed (any case, spaces, dashes, O for 0, I or L for 1) -> its canonical form, or RoomError."""
    if not isinstance(code, str):
        raise RoomError("Type the room's code: 8 letters and digits.")
    cleaned = code.strip().upper().replace("-", "").replace(" ", "").translate(str.maketrans("OIL", "011"))
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        raise RoomError(f"A room's code is {CODE_LENGTH} letters and digits, like 7K3M-Q9XT; "
                        f"{code.strip()[:20]!r} is not one.")
    return cleaned
