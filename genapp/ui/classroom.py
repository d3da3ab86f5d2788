"""The Classroom tab: a teacher opens a room and reads the class's answers live; a student joins with the
room's code and plays the discriminator, real or generated, one picture, sound or name at a time."""
import gradio as gr

from .. import studio
from ..data import DATASETS
from ..studio import classroom, polls
from .common import speaks_errors

ABOUT = """**Be the discriminator.** The teacher opens a room and reads its code to the class. Each student joins
with it and is shown pictures, sounds or names (or lines of Shakespeare) one at a time: half are real test
examples, half were made by the families the teacher picked (a real sound goes through the same vocoder as a
generated one: the class judges what it hears, not the vocoder). Answer *real* or *generated*. The teacher's table shows, as the answers come in, how often the
class was fooled by each family, beside what the evaluator measured of the same checkpoint (precision: the
share of its samples that look like real ones to the evaluator; FD-eval: how far its samples lie from real
ones). Do people and the evaluator agree on which family is most convincing? (Donahue et al. measured people this
way for WaveGAN.) Rooms last a day; nothing in one is readable without its code, and results only with the
teacher's own browser."""
RESULT_HEADERS = ["family", "checkpoint", "examples judged", "fooled the class", "evaluator: precision",
                  "evaluator: FD-eval"]


def _share(v) -> str:
    return "" if v is None else f"{v:.0%}"


def _page(request: gr.Request | None) -> str:
    """The address of the page a request came from, without its query: where a room's link points."""
    if request is None:
        return ""
    referer = request.headers.get("referer", "")
    return (referer or f"{request.url.scheme}://{request.url.netloc}/").split("?")[0]


@speaks_errors
def open_room(dataset, families, request: gr.Request = None):
    o = classroom.room_open(dataset, families)
    link = f"{_page(request)}?room={o.code}"
    said = (f"## Room code: **{o.code[:4]}-{o.code[4:]}**\nStudents: open [this link]({link}) (`{link}`), or this app's "
            f"Classroom tab and join with the code. The room shows {DATASETS[o.dataset].title}, real and made by the "
            f"{', '.join(o.families).upper()}.")
    return said, o.code, o.key, gr.Timer(active=True)


def from_link(request: gr.Request):
    """A page opened from a room's link (?room=CODE): the Classroom tab, its code typed in."""
    code = request.query_params.get("room", "") if request is not None else ""
    if not code:
        return gr.update(), gr.update()
    return gr.Tabs(selected="classroom"), code[:20]


@speaks_errors
def results(code, key):
    r = classroom.room_results(code, key)
    rows = [[f.family.upper(), f.checkpoint, f.shown, _share(f.fooled), f.precision, f.fd_eval] for f in r.families]
    said = (f"{r.students} students have joined; {r.answers} answers. Real examples called real: "
            f"{_share(r.real_called_real) or 'none judged yet'}.")
    return rows, said


def _shown(q) -> tuple:
    """A question's example in the student's three places: a picture (a sound's spectrogram), a player, a text."""
    return (gr.update(value=q.picture, visible=q.picture is not None),
            gr.update(value=q.sound, visible=q.sound is not None),
            gr.update(value=f"## {q.text}" if q.text is not None else "", visible=q.text is not None))


@speaks_errors
def join(code, name):
    token = classroom.room_join(code, name)
    q = classroom.quiz_next(code, token)
    return token, q.qid, *_shown(q), "Joined. Real, or generated?"


@speaks_errors
def next_question(code, token):
    q = classroom.quiz_next(code, token)
    return q.qid, *_shown(q), f"{q.right} right of {q.answered} so far. Real, or generated?"


def _said(v) -> str:
    what = "real" if v.truth == "real" else f"made by the {v.truth.upper()}"
    return f"{'Right' if v.right else 'Fooled'}: it was {what}. {v.score} right of {v.answered}."


def answer(verdict: str):
    """A button's answer, then the next example."""
    @speaks_errors
    def answered(code, token, qid):
        said = _said(classroom.quiz_answer(code, token, qid, verdict))
        q = classroom.quiz_next(code, token)
        return q.qid, *_shown(q), said
    return answered


@speaks_errors
def quiz_answer(code: str, token: str, qid: str, answer: str) -> str:
    """The API's answer to one question ("real" or "generated"): what it was, and the student's score."""
    return _said(classroom.quiz_answer(code, token, qid, answer))


POLL_HEADERS = ["tab", "question", "the class's answers", "measured", "the class right"]


@speaks_errors
def poll_results(code, key):
    rows = [[r.tab, r.question, " · ".join(f"{c}: {n}" for c, n in r.counts.items()),
             r.measured or "not measured yet", _share(r.right)] for r in classroom.room_polls(code, key)]
    return rows


def poll_choices(poll):
    """The chosen question's answers (none picked: the student picks before the reveal)."""
    p = polls.POLLS.get(poll)
    return gr.Radio(choices=list(p.choices) if p else [], value=None)


def _revealed(r) -> str:
    return (f"{'Right' if r.right else 'Not this time'}: you said **{r.yours}**; measured: **{r.measured}**. "
            f"{r.said}")


@speaks_errors
def poll_answer(code: str, token: str, poll: str, answer: str) -> str:
    """A student's prediction for one of the tabs' questions (polls.POLLS), kept once, then its reveal."""
    if answer is None:
        raise gr.Error("Pick an answer first: the reveal comes after it.", print_exception=False)
    return _revealed(classroom.poll_answer(code, token, poll, answer))


def build():
    with gr.Tab("Classroom", id="classroom"):
        gr.Markdown(ABOUT)
        with gr.Row():
            with gr.Column():
                gr.Markdown("### Teacher")
                dataset = gr.Radio([(DATASETS[d].title, d) for d in classroom.quiz_datasets()], value="mnist",
                                   label="Examples of")
                families = gr.CheckboxGroup([(f.upper(), f) for f in studio.FAMILIES], value=list(studio.FAMILIES),
                                            label="Generated by")
                open_button = gr.Button("Open a room", variant="primary")
                opened = gr.Markdown()
                room_code, room_key = gr.Textbox(visible=False), gr.Textbox(visible=False)
                summary = gr.Markdown()
                table = gr.Dataframe(headers=RESULT_HEADERS, interactive=False, label="The class so far")
                refresh = gr.Button("Refresh", size="sm")
                timer = gr.Timer(3.0, active=False)                      # live, once a room is open
            with gr.Column():
                gr.Markdown("### Student")
                code = gr.Textbox(label="Room code", placeholder="e.g. 7K3M-Q9XT", max_length=20)
                name = gr.Textbox(label="Your name (optional)", max_length=classroom.MAX_NAME)
                join_button = gr.Button("Join", variant="primary")
                token, qid = gr.Textbox(visible=False), gr.Textbox(visible=False)
                picture = gr.Image(type="pil", format="png", interactive=False, label="Real or generated?", height=260)
                sound = gr.Audio(type="numpy", interactive=False, label="Real or generated? (listen)", visible=False)
                text = gr.Markdown(visible=False)
                verdict = gr.Markdown()
                with gr.Row():
                    real_button = gr.Button("Real")
                    fake_button = gr.Button("Generated")
                next_button = gr.Button("Next", size="sm")
                gr.Markdown("#### Predict, then reveal\nThe tabs' questions: answer one before you look, then see "
                            "what was measured. Your teacher sees the class's answers.")
                first = next(iter(polls.POLLS.values()))
                poll = gr.Dropdown([(f"{p.tab}: {p.question}", p.name) for p in polls.POLLS.values()],
                                   value=first.name, label="Question")
                prediction = gr.Radio(list(first.choices), label="Your prediction")
                lock = gr.Button("Lock it in, then reveal")
                revealed = gr.Markdown()
        polls_table = gr.Dataframe(headers=POLL_HEADERS, interactive=False, wrap=True,
                                   column_widths=["13%", "40%", "27%", "12%", "8%"],
                                   label="Teacher: the class's predictions (Predict, then reveal) and what was measured")
        open_button.click(open_room, [dataset, families], [opened, room_code, room_key, timer], api_name="room_open")
        refresh.click(results, [room_code, room_key], [table, summary], api_name="room_results")
        timer.tick(results, [room_code, room_key], [table, summary], api_visibility="private", show_progress="hidden")
        join_button.click(join, [code, name], [token, qid, picture, sound, text, verdict], api_name="room_join")
        next_button.click(next_question, [code, token], [qid, picture, sound, text, verdict], api_name="quiz_next")
        for button, said in ((real_button, "real"), (fake_button, "generated")):
            button.click(answer(said), [code, token, qid], [qid, picture, sound, text, verdict], api_visibility="private")
        gr.api(quiz_answer, api_name="quiz_answer")
        refresh.click(poll_results, [room_code, room_key], polls_table, api_name="room_polls")
        timer.tick(poll_results, [room_code, room_key], polls_table, api_visibility="private", show_progress="hidden")
        poll.change(poll_choices, poll, prediction, api_visibility="private", queue=False)
        lock.click(poll_answer, [code, token, poll, prediction], revealed, api_name="poll_answer",
                   preprocess=False)      # the answers are the chosen question's: studio checks them (polls.py)
    return code
