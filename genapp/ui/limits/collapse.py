"""The Limits tab's mode collapse panel: 1,000 samples of two checkpoints, the classes the evaluator
sees in them as a histogram, and how many classes each covers."""
import gradio as gr

from ... import studio
from ..common import first_of, progress_callback, speaks_errors, worked_example_later
from ..links import lesson_link

COLLAPSE_NOTE = """**What to notice.** A GAN's generator is never shown the data: it only learns what fools
today's discriminator. If one kind of digit fools it, nothing in the loss asks for the other nine,
and the generator can put all its samples there: *mode collapse*. `gan-mnist-collapsed` was trained
that way on purpose (the plain 2016 GAN recipe, a 1-number z; its card says how), `gan-mnist` with
the stabilisers and class labels. A VAE cannot collapse like this: its loss scores how well it
explains *every* training example. **Predict, then reveal:** sharp samples, or many kinds of sample:
which does a quality score like precision see, and which does recall see?"""

COLLAPSE_REVEAL = """Measured by `python -m genapp eval gan-mnist-collapsed` (2,000 samples): precision **0.888**
(real data 0.874): each sample looks like a real digit. Recall **0** (real data 0.872): almost nothing
of the data's variety is covered. 2 classes recognised at all, class KL 2.20 nats (log 10 = 2.30 is
total collapse). One number alone would have hidden it."""


@speaks_errors
def collapse(left, right, seed, progress=gr.Progress()):
    a, b = (studio.mode_collapse(c, seed, progress=progress_callback(progress, f"Sampling {c}")) for c in (left, right))
    rows = [[r.checkpoint, f"{r.covered} of {len(r.class_names)}", r.kl, round(r.ms)] for r in (a, b)]
    return a.chart, a.samples, b.chart, b.samples, rows


def build():
    choices = studio.collapse.collapse_checkpoints()
    # the specimen trained to collapse (listed only here), beside the checkpoint of its family and data set
    collapsed = first_of([c for c in choices if c not in studio.walkers()])
    stabilised = first_of([c for c in studio.walkers() if studio.family_of(c) == studio.family_of(collapsed)
                      and studio.checkpoint_dataset(c) == studio.checkpoint_dataset(collapsed)])
    with gr.Row():
        c_left = gr.Dropdown(choices, value=collapsed, label="Checkpoint")
        c_right = gr.Dropdown(choices, value=stabilised, label="...beside")
        c_seed = gr.Number(0, precision=0, minimum=0, label="Seed")
        c_button = gr.Button("Draw 1,000 each and classify", variant="primary")
    with gr.Row():
        with gr.Column():
            c_chart_l = gr.Image(label="Classes of the samples", show_label=False, type="pil", format="png",
                                 interactive=False, height=270)
            c_grid_l = gr.Image(label="The first 64 samples", type="pil", format="png", interactive=False,
                                height=300)
        with gr.Column():
            c_chart_r = gr.Image(label="Classes of the samples", show_label=False, type="pil", format="png",
                                 interactive=False, height=270)
            c_grid_r = gr.Image(label="The first 64 samples", type="pil", format="png", interactive=False,
                                height=300)
    c_table = gr.Dataframe(headers=["checkpoint", "classes covered (at least 1% of samples)",
                                    "class KL (nats)", "ms"], interactive=False)
    gr.Markdown(COLLAPSE_NOTE)
    with gr.Accordion("Reveal", open=False):
        gr.Markdown(COLLAPSE_REVEAL)
    c_inputs, c_outputs = [c_left, c_right, c_seed], [c_chart_l, c_grid_l, c_chart_r, c_grid_r, c_table]
    worked_example_later(collapse, c_inputs, c_outputs, "mode_collapse_example")     # 2,000 samples: a second
    c_button.click(collapse, c_inputs, c_outputs, api_name="mode_collapse", preprocess=False,
                   concurrency_limit=2)
    lesson_link("mode_collapse", c_button, c_inputs, c_outputs, collapse)
