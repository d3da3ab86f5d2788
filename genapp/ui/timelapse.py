"""Watch it train's time-lapse: a real checkpoint's recipe trained with snapshots; a slider over its
training steps shows the same seed's samples at each, and the measured quality and diversity curves."""
import gradio as gr
import pandas as pd

from ..studio import timelapse
from .common import speaks_errors, worked_example
from .links import lesson_link

ABOUT = """### Time-lapse: a real checkpoint learning
The toy above trains in seconds on points; here is the same on real pictures. A checkpoint's recipe was
trained with its weights saved at a few steps (`python -m genapp train NAME --snapshots K`; the caption says
whether that is the very run that made the bundled checkpoint or a second one). Move the
slider: the **same seed**, decoded by each snapshot (the same latent points for the VAE and the GAN), with
FD-eval (lower: closer to real pictures), precision (quality) and recall (diversity) measured at every
snapshot by `python -m genapp eval NAME --timelapse`. **What to notice:** which comes first, sharp
pictures or all kinds of picture? Does the GAN's recall keep rising, or stall?"""


def _plot(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["step", "value", "metric"])


@speaks_errors
def show(checkpoint, index, seed):
    f = timelapse.timelapse_frame(checkpoint, index, seed)
    return f.grid, f.caption, _plot(f.quality), _plot(f.diversity)


@speaks_errors
def pick(checkpoint):
    """Another checkpoint: the slider spans its snapshots, at its last."""
    last = len(timelapse.timelapse_steps(checkpoint)) - 1
    return gr.Slider(maximum=last, value=last)


def build():
    names = timelapse.timelapse_checkpoints()
    gr.Markdown(ABOUT)
    if not names:
        gr.Markdown("*No time-lapse is bundled with this copy of the app.*")
        return
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            checkpoint = gr.Dropdown(names, value=names[0], label="Checkpoint")
            last = len(timelapse.timelapse_steps(names[0])) - 1
            index = gr.Slider(0, last, value=last, step=1, label="Snapshot (earliest to last)")
            seed = gr.Number(0, precision=0, minimum=0, label="Seed")
            button = gr.Button("Show this snapshot", variant="secondary")
        inputs = [checkpoint, index, seed]
        grid_first, caption_first, quality_first, diversity_first = worked_example(show, inputs)
        with gr.Column(scale=2):
            grid = gr.Image(grid_first, label="The same seed at this step", type="pil", format="png",
                            interactive=False, height=200)
            caption = gr.Markdown(caption_first)
            with gr.Row():
                quality = gr.LinePlot(quality_first, x="step", y="value", color="metric", title="FD-eval (lower is better)",
                                      height=220)
                diversity = gr.LinePlot(diversity_first, x="step", y="value", color="metric",
                                        title="Precision (quality) and recall (diversity)", height=220, y_lim=[0, 1])
    outputs = [grid, caption, quality, diversity]
    button.click(show, inputs, outputs, api_name="timelapse_frame", preprocess=False, concurrency_limit=2)
    index.release(show, inputs, outputs, api_visibility="private", preprocess=False, show_progress="hidden",
                  trigger_mode="always_last")
    checkpoint.change(pick, checkpoint, index, api_visibility="private", preprocess=False).then(
        show, inputs, outputs, api_visibility="private", preprocess=False)
    lesson_link("timelapse_frame", button, inputs, outputs, show)
