"""The Latent space tab's text section: walk a text checkpoint from a typed name or line (or a seed) to
another, and read the texts along the way, each scored by the evaluator language model."""
import gradio as gr

from ... import studio
from ..common import download_file, first_of, speaks_errors, wire, worked_example_later

NOTE = """Type two names (or leave a box empty to start from its seed). The **GAN** finds the z whose
code spells your name (inversion); the **RBM** uses its hidden units' probabilities; the **VAE** uses its
encoder, but it keeps so little in z (posterior collapse: see the Text tab) that it often cannot even
spell your name back, and the path between two names wanders through its decoder's favourite letters.
*nats/char* is the evaluator's surprise: real names score about 2, letter salad 4 or more.

The **lines** checkpoints walk between two lines of verse (the homotopy of Bowman et al. 2016): type any two
lines, "To be, or not to be" and "Now is the winter of our discontent". A line holds far more than a name, more
than the VAE's 32 numbers keep: it was trained with *free bits* so that z holds each line's gist (without them
it kept almost nothing and the walk said one line throughout), yet it spells a line back exactly only now and
then; the walk goes from the gist of one line to the gist of the other. Real lines score about 1.5 nats/char."""


@speaks_errors
def check(checkpoint, from_name, from_seed, to_name, to_seed, steps, spherical):
    studio.check_walk_names(checkpoint, from_seed, to_seed, steps, spherical, from_name or "", to_name or "")


@speaks_errors
def walk(checkpoint, from_name, from_seed, to_name, to_seed, steps, spherical):
    w = studio.walk_names(checkpoint, from_seed, to_seed, steps, spherical, from_name or "", to_name or "")
    rows = [[i + 1, n or "(empty)", s, "in the training data" if seen else "new"]
            for i, (n, s, seen) in enumerate(zip(w.names, w.nats_per_char, w.seen))]
    listing = download_file(w.text.encode(), f"{checkpoint}-walk.txt")
    return rows, f"{len(w.names)} steps in {w.ms:.0f} ms.", listing


def build():
    checkpoints = studio.generators("text")
    if not checkpoints:
        gr.Markdown("No text checkpoint is bundled.")
        return
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            checkpoint = gr.Dropdown(checkpoints, value=first_of(checkpoints, "gan"), label="Checkpoint")   # inversion
            with gr.Row():
                from_name = gr.Textbox("emma", label="From (a name, or a line)", max_lines=1, max_length=1000)
                from_seed = gr.Number(1, precision=0, minimum=0, label="or seed")
            with gr.Row():
                to_name = gr.Textbox("oliver", label="To (a name, or a line)", max_lines=1, max_length=1000)
                to_seed = gr.Number(2, precision=0, minimum=0, label="or seed")
            with gr.Row():
                steps = gr.Slider(studio.MIN_PATH_STEPS, studio.MAX_PATH_STEPS, value=10, step=1, label="Steps")
                spherical = gr.Checkbox(True, label="Slerp")
            button = gr.Button("Walk", variant="primary")
            gr.Markdown(NOTE)
        inputs = [checkpoint, from_name, from_seed, to_name, to_seed, steps, spherical]
        with gr.Column(scale=1):
            table = gr.Dataframe(headers=["step", "text", "nats/char", "marked"],
                                 datatype=["number", "str", "number", "str"], interactive=False,
                                 label="Along the path")
            summary = gr.Markdown()
            listing = gr.DownloadButton("Download them (.txt)", variant="secondary")
    wire(button, check, walk, inputs, [table, summary, listing], api_name="walk_names", preprocess=False,
         concurrency_limit=2)
    worked_example_later(walk, inputs, [table, summary, listing], "walk_names_example")
