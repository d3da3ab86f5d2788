"""A lesson, served: `python -m genapp bench --lesson` launches the app and lets a class of students use it
at a person's pace (each acts every 2-4 s) with a lesson's mix of buttons, then reports errors, p50/p95
latency, and the server's CPU seconds per request. The lesson happens in a Classroom room: the teacher opens
it and keeps its tables on screen (refreshed every 3 s), the students join it and, between the tabs' buttons,
judge pictures (real or generated) and answer the tabs' Predict, then reveal polls. Then the app is killed
(kill -9) while a class answers as fast as it can, started again on the same rooms folder, and the room is
counted: every answer the app acknowledged must be there.

The server's CPU is read from /proc/PID/stat (user + system time of the app's process), not from wall time:
the students' clients run on the same machine and take part of its cores, so wall-clock throughput would
say more about them than about the server. What a free Space's 2 cores must carry is the server's CPU per
request; the clients' share of the machine is printed beside it."""
import os
import random
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

TICKS = os.sysconf("SC_CLK_TCK")
PACE_S = (2.0, 4.0)                # a student acts every 2 to 4 seconds


@dataclass(frozen=True)
class Action:
    """One thing a student does: a button of a tab, with its arguments for a student's seed; or, in the
    Classroom, `play`(client, seed, seat) making the calls a student's press makes there."""
    what: str
    api: str
    weight: int
    arguments: object = None        # seed -> the call's arguments (a tuple)
    play: object = None


@dataclass
class Seat:
    """A student's place in the lesson's room: its code, their token, the polls they have not answered, and
    the quiz answers the app acknowledged."""
    code: str
    token: str
    polls: list
    acknowledged: int = 0


def judge(client, seed: int, seat: Seat):
    """The Classroom's discriminator game: the next picture, then a verdict on it."""
    qid = client.predict(seat.code, seat.token, api_name="/quiz_next")[0]
    client.predict(seat.code, seat.token, qid, ("real", "generated")[seed % 2], api_name="/quiz_answer")
    seat.acknowledged += 1


def predict(client, seed: int, seat: Seat):
    """A poll of the tabs' Predict, then reveal, answered once (then the game instead)."""
    if not seat.polls:
        return judge(client, seed, seat)
    poll, choices = seat.polls.pop()
    client.predict(seat.code, seat.token, poll, choices[seed % len(choices)], api_name="/poll_answer")


# The tabs a class uses, with the settings each tab opens on. "Press Generate" is what a teacher asks the
# whole class to do at once: the same request from every student (seed 0); the others carry a student's own seed.
MIX = (
    Action("Image: press Generate (all three, 16 digits, seed 0)", "/generate_image", 3,
           lambda seed: ("mnist", "all", "any", 16, 0, 100)),
    Action("Image: all three, own seed", "/generate_image", 2, lambda seed: ("mnist", "all", "any", 16, seed, 100)),
    Action("Audio: all three, 2 clips of a 7, own seed", "/generate_audio", 2, lambda seed: ("all", "7", 2, seed, 100)),
    Action("Audio: instrument notes, all three, 2 brass C4s, own seed", "/generate_notes", 1,
           lambda seed: ("all", "brass", "C4", 2, seed, 100)),
    Action("Audio: a melody (gan-notes, the Melody section's model; Ode to Joy), own seed", "/play_melody", 1,
           lambda seed: ("gan-notes", "E4 E4 F4 G4 G4 F4 E4 D4", "strings", "none", seed, 100)),
    Action("Text: all three, 12 names, own seed", "/generate_text", 2, lambda seed: ("all", 12, seed, 1.0, 200, "names")),
    Action("Latent walk: gan-mnist, 16 steps", "/interpolate", 1,
           lambda seed: ("gan-mnist", seed, seed + 1, "any", "any", 16, False)),
)
# With a room (the default): the Classroom's game and polls too; the teacher's table refreshes every 3 s
ROOM_MIX = MIX + (
    Action("Classroom: judge a picture, real or generated (next, then answer)", "/quiz_answer", 3, play=judge),
    Action("Classroom: a Predict, then reveal poll", "/poll_answer", 1, play=predict),
)
TEACHER = "Classroom: the teacher's tables (results and polls, every 3 s)"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/PID/stat), in seconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _student(client, index: int, deadline: float, mix=MIX, seat: Seat | None = None,
             pace=PACE_S) -> list[tuple]:
    """One student (a gradio_client Client: a session) until the deadline: (action, ms or None, error) per
    action, at a person's pace."""
    rng = random.Random(index)
    time.sleep(rng.uniform(0, pace[1]))            # students don't all start on the same second
    done = []
    while time.perf_counter() < deadline:
        action = rng.choices(mix, [a.weight for a in mix])[0]
        t0 = time.perf_counter()
        try:
            if action.play is not None:
                action.play(client, 1000 * index + len(done), seat)
            else:
                client.predict(*action.arguments(1000 * index + len(done)), api_name=action.api)
            done.append((action.what, (time.perf_counter() - t0) * 1000, ""))
        except Exception as e:                      # an error is counted and reported, and the student goes on
            done.append((action.what, None, f"{action.api}: {type(e).__name__}: {str(e)[:120]}"))
        time.sleep(rng.uniform(*pace))
    return done


def open_room(client, students: list) -> tuple[str, str, list[Seat]]:
    """The teacher opens a room (MNIST, the three families) and each student (a client) joins it."""
    from .studio.polls import POLLS
    _, code, key, _ = client.predict("mnist", ["vae", "gan", "rbm"], api_name="/room_open")
    seats = [Seat(code, c.predict(code, f"student {i}", api_name="/room_join")[0],
                  [(p.name, p.choices) for p in POLLS.values()]) for i, c in enumerate(students)]
    return code, key, seats


def _teacher(client, code: str, key: str, deadline: float) -> list[tuple]:
    """The teacher's page: both tables every 3 s, as its timer asks for them."""
    done = []
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            client.predict(code, key, api_name="/room_results")
            client.predict(code, key, api_name="/room_polls")
            done.append((TEACHER, (time.perf_counter() - t0) * 1000, ""))
        except Exception as e:
            done.append((TEACHER, None, f"teacher: {type(e).__name__}: {str(e)[:120]}"))
        time.sleep(3.0)
    return done


def settle(pid: int, idle_cores: float = 0.1, timeout_s: float = 90.0) -> float:
    """Wait until the app is idle (under `idle_cores` busy over a second: its worked examples are made),
    at most timeout_s; returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        before = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - before < idle_cores:
            break
    return round(time.perf_counter() - t0, 1)


def run(server, make_client, students: int = 30, seconds: float = 120.0, room: bool = True) -> dict:
    """The lesson against a running bench.Server, each student a make_client(url): figures for the whole
    class and per action. room: the teacher opens a room, everyone joins, and the Classroom's game and polls
    join the mix (ROOM_MIX), the teacher's tables refreshing beside them."""
    pid = server.proc.pid
    clients = [make_client(server.url) for _ in range(students)]
    seats, mix = [None] * students, MIX
    if room:
        code, key, seats = open_room(server.client, clients)
        mix = ROOM_MIX
    settle(pid)
    server_cpu, own_cpu, t0 = cpu_seconds(pid), time.process_time(), time.perf_counter()
    deadline = t0 + seconds
    with ThreadPoolExecutor(students + 1) as pool:
        teacher = pool.submit(_teacher, make_client(server.url), code, key, deadline) if room else None
        results = list(pool.map(lambda i: _student(clients[i], i, deadline, mix, seats[i]), range(students)))
        if teacher is not None:
            results.append(teacher.result())
    wall = time.perf_counter() - t0
    server_cpu, own_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - own_cpu
    done = [r for rs in results for r in rs]
    ms = sorted(m for _, m, _ in done if m is not None)
    errors = [e for _, _, e in done if e]
    by_action = {}
    for what, m, _ in done:
        if m is not None:
            by_action.setdefault(what, []).append(m)
    pct = lambda xs, q: round(sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]) if xs else None
    figures = {"students": students, "seconds": round(wall, 1), "requests": len(done), "errors": len(errors),
            "first_errors": errors[:3], "p50_ms": pct(ms, 0.5), "p95_ms": pct(ms, 0.95),
            "requests_per_s": round(len(done) / wall, 2),
            "server_cpu_s": round(server_cpu, 1),
            "server_cpu_per_request_s": round(server_cpu / max(1, len(done)), 3),
            "server_cores_busy": round(server_cpu / wall, 2),
            "clients_cores_busy": round(own_cpu / wall, 2),
            "actions": {what: {"n": len(xs), "median_ms": round(statistics.median(xs)), "p95_ms": pct(xs, 0.95)}
                        for what, xs in sorted(by_action.items())}}
    if room:
        figures["room"] = {"code": code, "key": key, "acknowledged": sum(s.acknowledged for s in seats)}
    return figures


def killed_mid_lesson(server, make_client, restart, students: int = 10, seconds: float = 6.0) -> dict:
    """kill -9 of the app while `students` of the lesson's room answer pictures as fast as they can; then the
    app again on the same rooms folder (`restart`(): a new bench.Server, entered): does the room hold every
    answer the app acknowledged before it died?"""
    clients = [make_client(server.url) for _ in range(students)]
    code, key, seats = open_room(server.client, clients)

    def rush(i):                # answer after answer, until the app is gone
        try:
            while True:
                judge(clients[i], i + seats[i].acknowledged, seats[i])
        except Exception:
            return
    with ThreadPoolExecutor(students) as pool:
        for i in range(students):
            pool.submit(rush, i)
        time.sleep(seconds)
        os.kill(server.proc.pid, 9)
        server.proc.wait()
    acknowledged = sum(s.acknowledged for s in seats)
    with restart() as again:
        table, said = again.client.predict(code, key, api_name="/room_results")
    held = int(said.split(";")[1].split()[0])             # "N students have joined; M answers. ..."
    return {"students": students, "acknowledged": acknowledged, "held": held, "lost": max(0, acknowledged - held)}


def identical_presses(server, make_client, students: int = 30, seed: int = 909_090) -> dict:
    """`students` press Generate at the same moment with the same settings (a seed no one used before):
    how long the last of them waited."""
    clients = [make_client(server.url) for _ in range(students)]
    start, ms, errors = threading.Barrier(students), [], []
    args = MIX[0].arguments(0)[:4] + (seed,) + MIX[0].arguments(0)[5:]

    def press(client):
        start.wait()
        t0 = time.perf_counter()
        try:
            client.predict(*args, api_name=MIX[0].api)
            ms.append((time.perf_counter() - t0) * 1000)
        except Exception as e:
            errors.append(f"{type(e).__name__}: {str(e)[:120]}")
    with ThreadPoolExecutor(students) as pool:
        list(pool.map(press, clients))
    return {"students": students, "errors": len(errors), "first_errors": errors[:3],
            "median_ms": round(statistics.median(ms)) if ms else None, "max_ms": round(max(ms)) if ms else None}


def report(figures: dict, targets: dict):
    """The lesson's table, as bench prints its sections."""
    f = figures
    print(f"\nA lesson: {f['students']} students at a person's pace (an action every {PACE_S[0]:g}-{PACE_S[1]:g} s) "
          f"for {f['seconds']} s")
    print(f"requests {f['requests']}, errors {f['errors']}, p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms "
          f"(target <= {targets['lesson_p95_ms']} ms, 0 errors), {f['requests_per_s']} requests/s")
    print(f"server CPU {f['server_cpu_s']} s: {f['server_cpu_per_request_s']} s per request "
          f"(target <= {targets['lesson_cpu_per_request_s']} s), {f['server_cores_busy']} cores busy; "
          f"the students' clients kept {f['clients_cores_busy']} cores busy on the same machine")
    width = max(len(w) for w in f["actions"])
    for what, a in f["actions"].items():
        print(f"  {what:<{width}} {a['n']:>5} done, median {a['median_ms']:>6} ms, p95 {a['p95_ms']:>6} ms")
    for e in f["first_errors"]:
        print(f"  error: {e}")
    if "room" in f:
        print(f"the room (a teacher, {f['students']} students): {f['room']['acknowledged']} pictures judged, each answer "
              "acknowledged after its commit")
    if "killed" in f:
        k = f["killed"]
        print(f"kill -9 of the app while {k['students']} students answered as fast as they could: {k['acknowledged']} "
              f"answers acknowledged, the room held {k['held']} after a restart, {k['lost']} lost (target 0)")
    if "identical" in f:
        i = f["identical"]
        print(f"{i['students']} students press Generate at once, the same settings: {i['errors']} errors, median "
              f"{i['median_ms']} ms, the last answered after {i['max_ms']} ms (target <= {targets['identical_max_ms']} ms)")
        for e in i["first_errors"]:
            print(f"  error: {e}")


def main(quick: bool = False, as_json: bool = False):
    """`python -m genapp bench --lesson`: 30 students for two minutes (--quick: 10 students, 30 s), in a room;
    then the kill -9 of the app mid-lesson."""
    import json

    from .bench import Server, loopback_client
    targets = {"lesson_p95_ms": 1000, "lesson_cpu_per_request_s": 0.10, "identical_max_ms": 1500}
    students, seconds = (10, 30.0) if quick else (30, 120.0)
    with tempfile.TemporaryDirectory() as rooms:       # the rooms' database, kept across the kill -9
        with Server(GENAPP_ROOMS_DIR=rooms) as server:
            figures = run(server, loopback_client, students, seconds)
            figures["identical"] = identical_presses(server, loopback_client, students)
            figures["killed"] = killed_mid_lesson(server, loopback_client, lambda: Server(GENAPP_ROOMS_DIR=rooms))
    if as_json:
        print(json.dumps(figures | {"targets": targets}, indent=2))
    else:
        report(figures, targets)
