"""The Image tab: pick a data set, a family (or all three), a class, a count and a seed; see a grid."""
import random

import gradio as gr

from .. import studio
from . import links
from .common import MAIN_QUEUE, download_file, kept, picture_datasets, progress_callback, speaks_errors, wire, worked_example

FAMILIES = [("VAE", "vae"), ("GAN", "gan"), ("RBM", "rbm"), ("All three side by side", "all")]

WHAT_TO_NOTICE = """
**VAE (variational autoencoder).** It learned to squeeze every picture into a few numbers and back
(32 for a digit, 16 for a garment). To generate, it draws such numbers at random and decodes them in
one pass: fast and never strange, but a little blurry, because it hedges between all the pictures a
code could mean.

**GAN (generative adversarial network).** A generator learned to fool a second network, the
discriminator, that tried to tell its pictures from real ones. Samples come out in one pass and are
sharper than the VAE's, but nothing forces the GAN to cover every kind of picture: it may repeat
itself (mode collapse, in the *Limits* lessons).

**RBM (restricted Boltzmann machine).** It gives every picture an energy, low for likely ones, and
samples by *Gibbs sampling*: it starts from a noisy copy of the class's average picture and
repeatedly updates its hidden and visible units, each step a small random move towards pictures it
finds likely. Watch the progress bar, and try 1, 10 and 1000 steps on the same seed: the first step
is a blur, later steps wander to new shapes, and after many steps a few wander off to another class.
RBM chains move slowly; from pure noise they would need thousands of steps to find your class.

**Colour (emoji).** Colour is where the families differ most: the VAE's hedging turns into
blurred blobs of the right colours, the GAN draws crisp faces and flags (and strange animals: it
saw only 3,000 emoji), and the RBM, whose pixels are now real numbers (Gaussian units), draws
speckled shapes. Pick a group (any style) or a group and style; *The same emoji in the other
style* keeps each sample's latent point and group and swaps only the style label: OpenMoji's
outlines become Noto's shading.

The same seed and settings always give exactly the same picture, so you can share a seed with a class.
"""


@speaks_errors
def generate(dataset, family, label, n, seed, steps, progress=None):
    results = studio.compare_families(dataset, family, n=n, seed=seed, label=label, steps=steps,
                                      progress=None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    return gallery_items(results), download_file(studio.side_by_side(results), f"{dataset}-{family}-seed{seed}.png")


@speaks_errors
def other_style(dataset, family, label, n, seed, steps, progress=None):
    results = studio.restyle(dataset, family, n=n, seed=seed, label=label, steps=steps,
                             progress=None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    return gallery_items(results), download_file(studio.side_by_side(results), f"{dataset}-{family}-seed{seed}-restyled.png")


@speaks_errors
def check_other_style(dataset, family, label, n, seed, steps):
    studio.check_restyle(dataset, family, n, seed, label, steps)


def has_styles(dataset) -> gr.Button:
    return gr.Button(visible=studio.can_restyle(dataset))


def gallery_items(results) -> list:
    """Each grid as the PNG file the studio already encoded (with its provenance): handed to the gallery as
    a path, it is not encoded again (a 64-emoji colour grid takes 33 ms to encode)."""
    return [(download_file(r.png, f"{r.checkpoint}.png"), r.title) for r in results]


def fit(items) -> dict:
    """One grid per family in a single row (as many columns as grids), tall enough that no grid is
    cropped: a lone grid spans the column's width (about 740 px on a laptop), three share it."""
    count = max(len(items or []), 1)
    return dict(columns=count, height=780 if count == 1 else 330)


def fit_gallery(items) -> gr.Gallery:
    return gr.Gallery(**fit(items))


def fitted(items, png) -> tuple:
    """A lesson link's result: the grids, fitted as the button's next step fits them."""
    return gr.update(value=items, **fit(items)), png


@speaks_errors
def check(dataset, family, label, n, seed, steps):
    studio.check_comparison(dataset, family, n, seed, label, steps)


@speaks_errors
def class_menu(dataset, current="any"):
    return kept(gr.update(choices=studio.sample_choices(dataset), value="any"), current)


def build():
    with gr.Tab("Image", id="image"):
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                datasets = picture_datasets()
                dataset = gr.Radio(datasets, value=datasets[0][1], label="Data set")
                family = gr.Radio(FAMILIES, value="all", label="Family")
                label = gr.Dropdown(studio.sample_choices(dataset.value), value="any", label="Class",
                                    info="'any' lets the seed pick a class for each image; a group (emoji) lets it pick the style")
                n = gr.Slider(1, studio.MAX_IMAGES, value=16, step=1, label="How many images")
                with gr.Row():
                    seed = gr.Number(0, precision=0, minimum=0, label="Seed", scale=3)
                    dice = gr.Button("New seed", scale=1, size="sm")
                steps = gr.Slider(1, studio.MAX_GIBBS_STEPS, value=studio.default_gibbs_steps(), step=1,
                                  label="RBM Gibbs steps",
                                  info="more steps, sharper samples, more time")
                button = gr.Button("Generate", variant="primary")
                restyled = gr.Button("The same emoji in the other style", variant="secondary",
                                     visible=studio.can_restyle(dataset.value))
                with gr.Accordion("What to notice", open=False):
                    gr.Markdown(WHAT_TO_NOTICE)
            inputs = [dataset, family, label, n, seed, steps]
            samples, png = worked_example(generate, inputs)           # on screen before any click
            with gr.Column(scale=2):
                gallery = gr.Gallery(samples, label="Samples", format="png", object_fit="contain",
                                     preview=False, columns=3, height=330)
                download = gr.DownloadButton("Download PNG", value=png, variant="secondary")

        # preprocess=False: the raw values reach studio, which checks every one and explains refusals
        wire(button, check, generate, inputs, [gallery, download], api_name="generate_image", preprocess=False,
             **MAIN_QUEUE).then(fit_gallery, gallery, gallery, api_visibility="private", queue=False)
        # the same seed's samples with each one's style label swapped, beside them (emoji)
        wire(restyled, check_other_style, other_style, inputs, [gallery, download], api_name="generate_image_other_style",
             preprocess=False, **MAIN_QUEUE).then(fit_gallery, gallery, gallery, api_visibility="private", queue=False)
        for name in ("generate_image", "generate_image_other_style"):      # a lesson link's grids, fitted too
            links.PANELS[name].finish = fitted
        dataset.change(class_menu, [dataset, label], label, api_name="image_classes", preprocess=False)
        dataset.change(has_styles, dataset, restyled, api_visibility="private", queue=False)
        dice.click(lambda: random.randrange(1_000_000), None, seed, api_visibility="private")
        family.change(lambda f: gr.Slider(visible=f in ("rbm", "all")), family, steps, api_visibility="private")
