"""The Latent space tab's "from a picture" section: draw or upload a picture, see where each family
puts it (and how well it rebuilds it), then walk from it to a seed's point."""
import gradio as gr

from ... import studio
from ..common import download_file, first_of, kept, picture_of, progress_callback, speaks_errors, wire, worked_example_later
from ..gradio_fixes import Number, Slider

NOTE = """The VAE's encoder answers in one pass. A GAN has no encoder: the app searches for the z whose
picture is closest, step by step (*inversion*), and shows how close it got beside the VAE's answer.
The RBM's "code" is its hidden units' probabilities for the picture."""

EXAMPLE = ("*Until you place your own, this shows a 7 the app drew in two strokes, as you would on the sketchpad: "
           "draw or upload yours, then press the button.*")


def summary(e) -> str:
    text = (f"**{e.checkpoint}**, class {studio.class_choices(studio.checkpoint_dataset(e.checkpoint))[e.label + 1]}:"
            f" {e.method}, {e.ms:.0f} ms. Reconstruction error {e.error:.4f} (mean squared, per pixel)")
    if e.vae_error is not None:
        text += f"; the VAE's one pass on the same picture: {e.vae_error:.4f}"
    return text + "."


@speaks_errors
def check(checkpoint, label, sketch, upload):
    studio.check_picture(checkpoint, picture_of(sketch, upload), label)


@speaks_errors
def check_walk(checkpoint, label, sketch, upload, to_seed, to_label, steps, spherical, to_upload):
    studio.check_picture(checkpoint, picture_of(sketch, upload), label)
    studio.check_walk(checkpoint, 0, to_seed, steps, spherical, label, to_label)
    if to_upload:
        studio.check_picture(checkpoint, to_upload, to_label)


@speaks_errors
def encode(checkpoint, label, sketch, upload, progress=gr.Progress()):
    e = studio.encode_picture(checkpoint, picture_of(sketch, upload), label,
                              progress=progress_callback(progress, "Inverting the GAN"))
    return e.seen, e.reconstruction, summary(e)


@speaks_errors
def walk(checkpoint, label, sketch, upload, to_seed, to_label, steps, spherical, to_upload, progress=gr.Progress()):
    e, r = studio.walk_from_picture(checkpoint, picture_of(sketch, upload), label, to_seed, to_label, steps,
                                    spherical, progress_callback(progress, "Inverting the GAN"), to_upload or None)
    gif = download_file(r.gif, f"{checkpoint}-walk-from-picture-{to_seed}.gif")
    return e.seen, e.reconstruction, summary(e), r.strip, gif


def walk_example(*values):
    seen, rebuilt, found, strip, film = walk(*values)
    return seen, rebuilt, f"{EXAMPLE}\n\n{found}", strip, film


@speaks_errors
def class_menu(checkpoint, current, to_current):
    choices = studio.class_choices(studio.checkpoint_dataset(checkpoint))
    return kept(gr.update(choices=choices, value="any"), current), kept(gr.update(choices=choices, value="any"), to_current)


def build():
    generators = studio.generators("image")
    first = first_of(generators, "gan")            # a GAN, whose inversion the section is about
    classes = studio.class_choices(studio.checkpoint_dataset(first))
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            sketch = gr.Sketchpad(label="Draw a digit (pick the brush on the left first)", type="numpy", canvas_size=(280, 280), height=360,
                                  brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
            upload = gr.File(label="...or upload a picture (PNG, JPEG, WebP; up to 10 MB)", file_types=["image"],
                             type="binary", height=90)
            gr.Markdown(NOTE)
        with gr.Column(scale=1, min_width=300):
            checkpoint = gr.Dropdown(generators, value=first, label="Checkpoint")
            label = gr.Dropdown(classes, value="any", label="Class of the picture",
                                info="'any': the evaluator names it")
            button = gr.Button("Place it in latent space", variant="primary")
            with gr.Row():
                seen = gr.Image(label="What the model is given", type="pil", format="png", interactive=False,
                                height=170)
                rebuilt = gr.Image(label="Decoded from its latent", type="pil", format="png", interactive=False,
                                   height=170)
            found = gr.Markdown()
            with gr.Row():
                to_seed = Number(2, precision=0, minimum=0, label="Walk to seed")
                to_label = gr.Dropdown(classes, value="any", label="Its class")
            to_upload = gr.File(label="...or walk to this picture (upload)", file_types=["image"], type="binary",
                                height=90)
            with gr.Row():
                steps = Slider(studio.MIN_PATH_STEPS, studio.MAX_PATH_STEPS, value=12, step=1, label="Steps")
                spherical = gr.Checkbox(True, label="Slerp")
            walk_button = gr.Button("Walk from the picture", variant="secondary")
    with gr.Row():
        strip = gr.Image(label="The walk from the picture", type="pil", format="png", interactive=False, height=260,
                         scale=3)
        film = gr.Image(label="As a film", type="filepath", interactive=False, height=260, scale=1)

    checkpoint.change(class_menu, [checkpoint, label, to_label], [label, to_label], api_visibility="private", preprocess=False)
    inputs = [checkpoint, label, sketch, upload]
    walk_inputs = inputs + [to_seed, to_label, steps, spherical, to_upload]
    # the walk from a drawing of the app's (the sketchpad starts empty): the GAN's inversion takes a second
    worked_example_later(walk_example, walk_inputs, [seen, rebuilt, found, strip, film], "walk_from_picture_example",
                         {sketch: studio.pictures.example_drawing()})
    wire(button, check, encode, inputs, [seen, rebuilt, found], api_name="encode_picture", concurrency_limit=2)
    wire(walk_button, check_walk, walk, walk_inputs, [seen, rebuilt, found, strip, film], api_name="walk_from_picture",
         concurrency_limit=2)
