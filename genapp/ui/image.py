"""The Image tab: pick a data set, a family (or all three), a class, a count and a seed; see a grid."""
import random

import gradio as gr

from .. import studio
from .common import download_file, progress_callback, speaks_errors

DATASETS = [("MNIST digits", "mnist"), ("Fashion-MNIST", "fashion")]
FAMILIES = [("VAE", "vae"), ("GAN", "gan"), ("RBM", "rbm"), ("All three side by side", "all")]

WHAT_TO_NOTICE = """
**VAE (variational autoencoder).** It learned to squeeze every picture into 16 numbers and back.
To generate, it draws those 16 numbers at random and decodes them in one pass: fast and never
strange, but a little blurry, because it hedges between all the pictures a code could mean.

**GAN (generative adversarial network).** A generator learned to fool a second network, the
discriminator, that tried to tell its pictures from real ones. Samples come out in one pass and are
sharper than the VAE's, but nothing forces the GAN to cover every kind of picture: it may repeat
itself (mode collapse, in the *Limits* lessons).

**RBM (restricted Boltzmann machine).** It gives every picture an energy, low for likely ones, and
samples by *Gibbs sampling*: it starts from noise and repeatedly updates its hidden and visible units.
Watch the progress bar; with few steps the pictures are smudges, with more steps they get sharper.
Try 5, 50 and 500 steps on the same seed.

The same seed and settings always give exactly the same picture, so you can share a seed with a class.
"""


@speaks_errors
def generate(dataset, family, label, n, seed, steps, progress=None):
    results = studio.compare_families(dataset, family, n=n, seed=seed, label=label, steps=steps,
                                      progress=None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    gallery = [(r.image, r.title) for r in results]
    png = studio.side_by_side(results)
    return gallery, download_file(png, f"{dataset}-{family}-seed{seed}.png")


@speaks_errors
def class_menu(dataset):
    return gr.Dropdown(choices=studio.class_choices(dataset), value="any")


def build():
    with gr.Tab("Image", id="image"):
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                dataset = gr.Radio(DATASETS, value="mnist", label="Data set")
                family = gr.Radio(FAMILIES, value="all", label="Family")
                label = gr.Dropdown(studio.class_choices("mnist"), value="any", label="Class",
                                    info="'any' lets the seed pick a class for each image")
                n = gr.Slider(1, studio.MAX_IMAGES, value=16, step=1, label="How many images")
                with gr.Row():
                    seed = gr.Number(0, precision=0, minimum=0, label="Seed", scale=3)
                    dice = gr.Button("New seed", scale=1, size="sm")
                steps = gr.Slider(1, studio.MAX_GIBBS_STEPS, value=200, step=1, label="RBM Gibbs steps",
                                  info="more steps, sharper samples, more time")
                button = gr.Button("Generate", variant="primary")
                with gr.Accordion("What to notice", open=False):
                    gr.Markdown(WHAT_TO_NOTICE)
            with gr.Column(scale=2):
                first, first_png = generate("mnist", "all", "any", 16, 0, 200)   # shown before any click
                gallery = gr.Gallery(first, label="Samples", columns=3, height="auto", format="png",
                                     object_fit="contain", preview=False)
                download = gr.DownloadButton("Download PNG", value=first_png, variant="secondary")

        inputs = [dataset, family, label, n, seed, steps]
        # preprocess=False: the raw values reach studio, which checks every one and explains refusals
        def generate_with_progress(dataset, family, label, n, seed, steps, progress=gr.Progress()):
            return generate(dataset, family, label, n, seed, steps, progress)

        button.click(generate_with_progress, inputs, [gallery, download], api_name="generate_image", preprocess=False,
                     concurrency_limit=2)
        dataset.change(class_menu, dataset, label, api_name="image_classes", preprocess=False)
        dice.click(lambda: random.randrange(1_000_000), None, seed, api_visibility="private")
        family.change(lambda f: gr.Slider(visible=f in ("rbm", "all")), family, steps, api_visibility="private")
