"""Is it copying? Pick a generator, a seed, a class and which of the tab's samples; see that sample beside
its nearest training examples, the distances, and how near real unseen examples come for comparison."""
import gradio as gr

from ... import studio
from ...studio.copying import TAB_COUNTS, check_nearest_training, checkpoint_modality, nearest_training
from ..common import first_of, kept, progress_callback, speaks_errors, wire, worked_example_later

MODALITIES = [("Pictures", "image"), ("Sounds", "audio"), ("Names", "text")]
FIRST_FAMILY = {"image": "gan", "audio": "gan", "text": "vae"}      # the family each kind of sample opens on


def defaults() -> dict:
    """The panel's opening request: the first sample a GAN drew in the Image tab."""
    return dict(checkpoint=first_of(studio.generators("image"), FIRST_FAMILY["image"]), seed=0, label="any",
                position=1, n=TAB_COUNTS["image"])

WHAT_TO_NOTICE = """
**The question.** A model that memorised its training set would score well on looks and be useless: it
could only hand back what it was shown. So take any sample you generated (same checkpoint, seed, class
and count as in its tab; *which one* counts in reading order from 1) and look up the training examples
nearest to it.

**The yardstick.** A distance alone means nothing: 4.2 is near or far only against something. Here it is
how near real *test* examples, which no model ever saw, come to the training set. A sample much closer
than real unseen data would be suspicious; one about as close is just a typical example.

**How distance is measured.** Pictures and sounds: straight-line (L2) distance between the pixels (for
sound, between the log-mel pictures), because a copy is the same ink in the same places. It has a
blind spot: a copy shifted by two pixels looks far away, and a blurry average sits near many digits
without copying any. So look at the pictures too. Names: edit distance, the letters to insert, delete
or change; 0 means the very name is in the training list (even 16% of real unseen names are: the
list repeats names given to boys and girls).

**Try.** Compare the GAN with the VAE on the same seed. Then find a sample that *is* close: what does
its nearest neighbour look like?
"""


def _class_menu(checkpoint, current="any") -> dict:
    dataset = studio.checkpoint_dataset(checkpoint)
    return kept(gr.update(choices=studio.class_choices(dataset), value="any",
                          visible=checkpoint_modality(checkpoint) != "text"), current)


@speaks_errors
def pick_modality(modality):
    if modality not in FIRST_FAMILY:
        raise studio.BadRequest(f"Pick pictures, sounds or names; {modality!r} is not one of them.")
    checkpoint = first_of(studio.generators(modality), FIRST_FAMILY[modality])
    audio, text = modality == "audio", modality == "text"
    return (gr.Dropdown(choices=studio.generators(modality), value=checkpoint), _class_menu(checkpoint),
            TAB_COUNTS[modality], gr.Image(visible=not text), gr.Audio(visible=audio), gr.Gallery(visible=not text),
            gr.Audio(visible=audio), gr.Dataframe(visible=text))


@speaks_errors
def class_menu(checkpoint, current):
    return _class_menu(checkpoint, current)


def report(r) -> str:
    ys, nearest = r.yardstick, r.neighbours[0]
    what = {"image": "picture", "audio": "clip", "text": r.unit}[r.modality]
    sample = f"'{r.name}'" if r.modality == "text" else f"a {r.label}"
    mark = ("" if r.seen is None else
            " The evaluator marks it **in the training data**." if r.seen else " The evaluator marks it **new**.")
    return (f"### {r.verdict}\n"
            f"The sample: {sample}, {what} {r.position} of seed {r.seed} from {r.checkpoint}.{mark} "
            f"Its nearest training example, #{nearest.index}, is at **{nearest.distance:.3g}** ({r.measure}).\n\n"
            f"**Yardstick:** {ys.examples:,} real test {what}s, never seen in training, lie at a median "
            f"**{ys.median:.3g}** from their nearest training example"
            + (f" (1 in 20 closer than {ys.low:.3g}). " if ys.low > 0 else ". ")
            + f"{ys.closer:.0%} of them are nearer than this sample"
            + (f", {ys.as_close:.0%} at most as far. " if ys.as_close > ys.closer + 0.005 else ". ")
            + f"({r.ms:.0f} ms)")


@speaks_errors
def check(checkpoint, seed, label, position, n):
    check_nearest_training(checkpoint, seed, label, position, n)


@speaks_errors
def find(checkpoint, seed, label, position, n, progress=None):
    r = nearest_training(checkpoint, seed, label, position, n,
                         progress=None if progress is None else progress_callback(progress, "Downloading the training data"))
    if r.modality == "text":
        rows = [[i, nb.name, int(nb.distance)] for i, nb in enumerate(r.neighbours, 1)]
        return None, None, [], None, rows, report(r)
    gallery = [(nb.picture, f"{nb.distance:.2f} · #{nb.index}") for nb in r.neighbours]
    return r.picture, r.clip, gallery, r.neighbour_clips, [], report(r)


def worked_example(request: dict) -> tuple:
    """What the button gives for the defaults (the training data is read, or downloaded, at start), or the
    sentence saying why it can't, where this server has no training data."""
    try:
        return find(**request)
    except gr.Error as e:
        return None, None, [], None, [], f"### {e.message}"


def build():
    opening = defaults()
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            modality = gr.Radio(MODALITIES, value="image", label="What to check")
            checkpoint = gr.Dropdown(studio.generators("image"), value=opening["checkpoint"], label="Generator")
            label = gr.Dropdown(studio.class_choices(studio.checkpoint_dataset(opening["checkpoint"])),
                                value=opening["label"], label="Class",
                                info="as chosen in its tab ('any': the seed picks)")
            seed = gr.Number(opening["seed"], precision=0, minimum=0, label="Seed")
            with gr.Row():
                n = gr.Number(opening["n"], precision=0, minimum=1, label="How many the tab drew")
                position = gr.Number(opening["position"], precision=0, minimum=1, label="Which one (1 = first)")
            button = gr.Button("Find its nearest training examples", variant="primary")
            with gr.Accordion("What to notice", open=False):
                gr.Markdown(WHAT_TO_NOTICE)
        with gr.Column(scale=2):
            verdict = gr.Markdown()
            with gr.Row():
                sample = gr.Image(label="The sample", type="pil", format="png", interactive=False,
                                  height=200, scale=1)
                neighbours = gr.Gallery(label="Its nearest training examples (distance · #index)",
                                        format="png", columns=5, height=200, object_fit="contain",
                                        preview=False, scale=3)
            with gr.Row():
                sample_clip = gr.Audio(label="The sample, heard", type="numpy", interactive=False, visible=False)
                neighbour_clips = gr.Audio(label="Their real recordings, nearest first", type="numpy",
                                           interactive=False, visible=False)
            names = gr.Dataframe(headers=["rank", "training name or line", "edit distance"], interactive=False,
                                 visible=False, label="Nearest training names (or lines)")

    outputs = [sample, sample_clip, neighbours, neighbour_clips, names, verdict]
    # in the background from start: it reads (or downloads) the training data, 0.45 s the server need not wait for
    worked_example_later(lambda: worked_example(opening), [], outputs, "nearest_training_example")
    modality.change(pick_modality, modality, [checkpoint, label, n, sample, sample_clip, neighbours,
                                              neighbour_clips, names], api_visibility="private")
    checkpoint.change(class_menu, [checkpoint, label], label, api_visibility="private", preprocess=False)
    # preprocess=False: the raw values reach studio, which checks every one and explains refusals
    inputs = [checkpoint, seed, label, position, n]
    wire(button, check, find, inputs, outputs, api_name="nearest_training", preprocess=False, concurrency_limit=2)
