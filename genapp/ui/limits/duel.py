"""The Limits tab's inverse-mapping duel: one picture, three ways back into latent space (the VAE's
encoder, the GAN's search, the RBM's hidden units), raced on error and time."""
import gradio as gr
import pandas as pd

from ... import studio
from ..common import kept, picture_datasets, picture_of, progress_callback, speaks_errors, worked_example_later
from ..links import lesson_link

DUEL_NOTE = """**Predict, then reveal.** Which family will rebuild your digit most faithfully, and which
fastest? The VAE was *trained* to invert itself: its encoder answers in one pass, but it blurs. A GAN
has no way back: the app searches for the z whose picture is closest, 200 steps of gradient descent
(watch the error fall), slower but often sharper. The RBM goes up to its hidden units and down again
in one step."""

DUEL_EXAMPLE = ("*Until you race your own digit, this is the race on a 7 the app drew in two strokes, as you would on "
                "the sketchpad.*")


@speaks_errors
def duel(dataset, label, sketch, upload, progress=gr.Progress()):
    results = studio.inverse_duel(dataset, picture_of(sketch, upload), label,
                                  progress_callback(progress, "Inverting the GAN"))
    pictures = [r.reconstruction for r in results]
    rows = [[r.checkpoint, r.method, round(r.error, 5), round(r.ms, 1)] for r in results]
    search = next(r for r in results if r.losses)          # the one found by a search: the GAN's inversion
    curve = {"step": list(range(1, len(search.losses) + 1)), "pixel error": search.losses}
    return results[0].seen, *pictures, rows, pd.DataFrame(curve)


def build():
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            sketch = gr.Sketchpad(label="Draw a digit (pick the brush on the left first)", type="numpy",
                                  canvas_size=(280, 280), height=340,
                                  brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
            upload = gr.File(label="...or upload a picture", file_types=["image"], type="binary", height=90)
            dataset = gr.Radio(picture_datasets(), value=picture_datasets()[0][1],
                               label="Models trained on")
            label = gr.Dropdown(studio.class_choices(dataset.value), value="any", label="Class",
                                info="'any': the evaluator names it")
            button = gr.Button("Race", variant="primary")
            gr.Markdown(DUEL_NOTE)
        with gr.Column(scale=2):
            with gr.Row():
                seen = gr.Image(label="Given", type="pil", format="png", interactive=False, height=160)
                outs = [gr.Image(label=f"{f}: rebuilt", type="pil", format="png", interactive=False, height=160)
                        for f in ("VAE", "GAN", "RBM")]
            table = gr.Dataframe(headers=["checkpoint", "how", "pixel error", "ms"], interactive=False)
            gr.Markdown(DUEL_EXAMPLE)
            curve = gr.LinePlot(x="step", y="pixel error", title="The GAN's search: error per step",
                                height=220)
    dataset.change(lambda d, current: kept(gr.update(choices=studio.class_choices(d), value="any"), current), [dataset, label], label,
                   api_visibility="private")
    inputs, outputs = [dataset, label, sketch, upload], [seen, *outs, table, curve]
    # on a drawing of the app's (the sketchpad starts empty): the GAN's inversion takes a second
    drawing = {sketch: studio.pictures.example_drawing()}
    worked_example_later(duel, inputs, outputs, "inverse_duel_example", drawing)
    button.click(duel, inputs, outputs, api_name="inverse_duel", concurrency_limit=2)
    lesson_link("inverse_duel", button, inputs, outputs, duel)
