"""Classroom rooms, kept in SQLite (Python's sqlite3): a room a teacher opens, the students who join it, and
every question a student was asked and how they answered. The one module that speaks SQL.

Where: $GENAPP_ROOMS_DIR, else /data (a Space's persistent storage) when it is writable, else a folder in
the system's temporary directory; the file is rooms.sqlite3 there. Each write is one transaction committed
before the caller is answered (WAL journal, synchronous FULL), so a kill -9 loses no acknowledged answer.

A room's code is 8 symbols of Crockford's base32 drawn by `secrets` (40 bits: a trillion codes, so guessing
one open room takes hundreds of billions of tries); a teacher's key and each student's token are 128 random
bits, and nothing of a room is read without them. Rooms expire a day after they open."""
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"      # Crockford's base32: no I, L, O, U
CODE_LENGTH = 8
LIFETIME_S = 24 * 3600
MAX_STUDENTS = 300
DIR_ENV = "GENAPP_ROOMS_DIR"
FILE = "rooms.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, teacher_key TEXT NOT NULL, dataset TEXT NOT NULL,
    families TEXT NOT NULL, opened REAL NOT NULL);
CREATE TABLE IF NOT EXISTS students (token TEXT PRIMARY KEY, code TEXT NOT NULL REFERENCES rooms(code),
    name TEXT NOT NULL, joined REAL NOT NULL);
CREATE TABLE IF NOT EXISTS questions (id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL REFERENCES
    students(token), family TEXT NOT NULL, truth TEXT NOT NULL, seed INTEGER NOT NULL, answer TEXT,
    asked REAL NOT NULL, answered REAL);
CREATE INDEX IF NOT EXISTS students_by_room ON students(code);
CREATE INDEX IF NOT EXISTS questions_by_student ON questions(token);
"""


class RoomError(ValueError):
    """A wrong or expired code, a full room, a question that is not the student's: said in a sentence."""


def folder() -> Path:
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV])
    if os.access("/data", os.W_OK):
        return Path("/data/genapp")
    return Path(tempfile.gettempdir()) / "genapp-rooms"


class Store:
    """The rooms of one database file; safe to share between threads (one connection, a lock)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else folder() / FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def _write(self, sql: str, args=()) -> sqlite3.Cursor:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self.db.execute(sql, args)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            return cursor

    def _read(self, sql: str, args=()) -> list:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    # rooms

    def open(self, dataset: str, families: tuple) -> tuple[str, str]:
        """A new room: (its code, the teacher's key)."""
        self._write("DELETE FROM rooms WHERE opened < ?", (time.time() - LIFETIME_S,))
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        key = secrets.token_hex(16)
        self._write("INSERT INTO rooms VALUES (?, ?, ?, ?, ?)", (code, key, dataset, ",".join(families), time.time()))
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
        """A student's token in the room."""
        room = self.room(code)
        (count,), = self._read("SELECT COUNT(*) FROM students WHERE code = ?", (room["code"],))
        if count >= MAX_STUDENTS:
            raise RoomError(f"Room {room['code']} is full ({MAX_STUDENTS} students).")
        token = secrets.token_hex(16)
        self._write("INSERT INTO students VALUES (?, ?, ?, ?)", (token, room["code"], name, time.time()))
        return token

    def student(self, code, token) -> dict:
        """The student of a token in the room of a code, or RoomError."""
        room = self.room(code)
        rows = self._read("SELECT name FROM students WHERE token = ? AND code = ?", (str(token), room["code"]))
        if not rows:
            raise RoomError("You have not joined this room: join it with its code first.")
        return {"room": room, "name": rows[0][0], "token": str(token)}

    # questions

    def ask(self, token: str, family: str, truth: str, seed: int) -> int:
        return self._write("INSERT INTO questions (token, family, truth, seed, asked) VALUES (?, ?, ?, ?, ?)",
                           (token, family, truth, seed, time.time())).lastrowid

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
        cursor = self._write("UPDATE questions SET answer = ?, answered = ? WHERE id = ? AND token = ? AND answer IS NULL",
                             (answer, time.time(), int(qid), token))
        if cursor.rowcount != 1:
            raise RoomError("That question is answered already, or was not yours: press Next.")

    def answered(self, code: str, token: str | None = None) -> list[tuple]:
        """(family, truth, answer) of every answered question in the room (of one student, given a token)."""
        sql = ("SELECT q.family, q.truth, q.answer FROM questions q JOIN students s ON q.token = s.token "
               "WHERE s.code = ? AND q.answer IS NOT NULL")
        return self._read(sql + (" AND s.token = ?" if token else ""), (code, token) if token else (code,))

    def students(self, code: str) -> int:
        (count,), = self._read("SELECT COUNT(*) FROM students WHERE code = ?", (code,))
        return count


def normal_code(code) -> str:
    """A code as typed (any case, spaces, dashes, O for 0, I or L for 1) -> its canonical form, or RoomError."""
    if not isinstance(code, str):
        raise RoomError("Type the room's code: 8 letters and digits.")
    cleaned = code.strip().upper().replace("-", "").replace(" ", "").translate(str.maketrans("OIL", "011"))
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        raise RoomError(f"A room's code is {CODE_LENGTH} letters and digits, like 7K3M-Q9XT; "
                        f"{code.strip()[:20]!r} is not one.")
    return cleaned
