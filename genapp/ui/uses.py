"""The Uses tab: what a generative model is good for besides sampling. One clean picture (a GAN sample,
or your drawing) is denoised, compressed and inpainted by the VAE and the RBM, and each is measured."""
import gradio as gr

from .. import studio
from ..studio import compress, denoise, inpaint
from .common import kept, picture_datasets, picture_of, speaks_errors, worked_example, worked_example_later
from .gradio_fixes import Number, Slider
from .links import lesson_link

INTRO = """**One picture, three jobs.** Every panel starts from the same clean picture: by default a GAN
sample (a seed and a class; no data set ships with the app), or your own drawing or upload. A model
that knows what digits (or clothes) look like can repair, shrink and complete one."""

DENOISE_NOTE = """**What to notice.** *Not told the noise*, a model treats the noisy picture as if it were clean:
the VAE's encoder has never seen grey haze and often answers with a different digit, and one RBM
pass keeps much of the noise. *Told the noise*, the model becomes a **prior** and the noise a
**likelihood**, and cleaning is Bayes' rule: the VAE searches for the code and class that best explain
the noisy picture, the RBM adds each pixel's evidence to its visible units. PSNR is
10 log10(1 / mean squared error) in dB against the clean picture: 3 dB more is half the error.

**Predict, then reveal.** At Gaussian noise σ = 0.2, the noisy picture scores about 17 dB. Will
the VAE *not told the noise* raise that, or lower it?"""

COMPRESS_NOTE = """**What to notice.** The code is the posterior mean of the VAE's latent numbers (32 for digits, 16
for clothes), each cut to B bits, plus the class label (this VAE is class-conditional: its decoder
needs the label, log2 10 = 3.32 bits more). The PNG keeps every pixel exactly; the VAE keeps what it can draw, so its PSNR stops
rising at the VAE's own reconstruction error, whatever B is. The quantiser: *gaussian* cuts the prior
N(0, 1) into 2^B equally likely bins (every bit carries a full bit) and decodes each bin to its mean;
*uniform* cuts -3 to 3 into equal bins.

**Predict, then reveal.** How many bits per dimension until more bits stop helping?"""

INPAINT_NOTE = """**What to notice.** The RBM keeps the uncovered pixels clamped and runs Gibbs sweeps on the
covered ones (and on its label units): it samples what could be there *given what is seen*, and the
fill shown is the average of the second half of the sweeps. The VAE has no way to clamp: it encodes
the picture, decodes it, pastes the known pixels back and repeats. The error is counted on the
covered pixels only: left grey (0.5) is the baseline to beat, and left as background (black; white
for the emoji) is a harder one, since most of a digit's picture is background.

**Predict, then reveal.** Which is harder to fill: the bottom half, or a random half of the pixels?"""

DENOISE_REVEAL = """Measured on 200 MNIST test digits (`python -m genapp uses denoise`), mean PSNR in dB at
σ = 0.1 / 0.2 / 0.3 / 0.5 / 0.8: noisy 22.7 / 16.8 / 13.3 / 9.4 / 6.8; VAE *not told* 16.9 / **13.7** /
12.3 / 10.7 / 9.7: at σ = 0.2 it makes the picture *worse*, by 3.1 dB. Told the noise, the VAE scores
23.3 / 22.2 / 21.0 / 18.0 / 14.8 and the RBM 20.7 / 20.2 / 19.4 / 17.6 / 10.7 (one RBM pass, not told:
20.3 / 16.6 / 13.5 / 10.9 / 10.3). At σ = 0.1 little is left to clean: the RBM scores below the noisy
picture, and the VAE told the noise beats it by only 0.6 dB, because whatever it returns is a picture
the VAE can draw. Salt and pepper (`--noise salt-pepper`), p = 0.05 / 0.1 / 0.2 / 0.3 / 0.5: noisy
16.1 / 13.1 / 10.2 / 8.4 / 6.2; VAE told 22.1 / 21.7 / 20.7 / 19.5 / 16.3; RBM told 20.8 / 19.9 / 18.7 /
17.1 / 11.0."""
COMPRESS_REVEAL = """Measured on 200 MNIST test digits (`python -m genapp uses compress`), Gaussian quantiser: mean
PSNR 14.8 dB at 1 bit per dimension, 17.4 at 2, 19.2 at 3, 20.1 at 4, 20.5 at 5, 20.7 at 8, and 20.7
with the unquantised float32 code. So about **4 bits**: 4 bits is 32 x 4 + 3.32 = 131 bits per
picture, 17 times fewer than the PNG's 2,215 bits (277 bytes) on average, within 0.6 dB of the
unquantised code; beyond that the VAE's own blur, not the quantiser, sets the error. The uniform
quantiser is 1.1 dB worse at 1 bit (13.7) and within 0.2 dB from 3 bits on. Fashion-MNIST
(`--dataset fashion`): 15.9 dB at 1 bit, 18.7 at 4, 19.1 unquantised; PNG 3,988 bits."""
INPAINT_REVEAL = """Measured on 200 MNIST test digits, 200 RBM sweeps (`python -m genapp uses inpaint`), mean squared
error on the covered pixels. Bottom half: grey 0.230, black 0.121, **RBM 0.056**, VAE 0.091. Random
half of the pixels: grey 0.231, black 0.113, **RBM 0.014**, VAE 0.021: four times easier, because
every covered pixel has seen neighbours. The centre square is the hardest (black 0.312, RBM 0.118,
VAE 0.212): it hides where the strokes cross. The RBM wins every region: clamping is exactly what
its Gibbs sampler can do, while the VAE's encoder only ever saw whole pictures."""

SOURCES = [("A GAN sample (seed and class)", "gan"), ("My drawing or upload", "mine")]


def _picture(source, sketch, upload):
    """None for a GAN sample; else the drawing or upload, refused when there is neither (an empty
    canvas gives None, which must not quietly become a GAN sample)."""
    if source != "mine":
        return None
    picture = picture_of(sketch, upload)
    if picture is None:
        raise studio.BadRequest("Draw a digit or upload a picture first (open 'Your own picture').")
    return picture


@speaks_errors
def run_denoise(dataset, source, seed, label, sketch, upload, kind, strength, told):
    r = denoise.denoise(dataset, kind, strength, seed, label, _picture(source, sketch, upload), told)
    caption = f"{r.source}; {kind} noise of strength {strength}; {r.ms:.0f} ms."
    return r.clean, r.noisy, r.vae, r.rbm, [list(row) for row in r.rows], caption


@speaks_errors
def run_compress(dataset, source, seed, label, sketch, upload, quantiser):
    r = compress.compress(dataset, seed, label, _picture(source, sketch, upload), quantiser)
    rows = [["float32" if b == compress.FLOAT_BITS else b, bits, png, ratio, p] for b, bits, png, ratio, p in r.rows]
    caption = (f"{r.source}. Left to right: the original, then decoded from {', '.join(map(str, compress.BITS))} "
               f"bits per dimension and from the unquantised code. Bits per image = {r.latent_dim} x B + "
               f"{r.label_bits} (the label); {r.ms:.0f} ms.")
    return r.strip, rows, caption


def _paint(editor):
    """The layers a person painted on the cover canvas (None when nothing was painted)."""
    return editor.get("layers") if isinstance(editor, dict) else None


@speaks_errors
def paint_canvas(dataset, source, seed, label, sketch, upload):
    picture = inpaint.canvas_picture(dataset, seed, label, _picture(source, sketch, upload))
    return {"background": picture, "layers": [], "composite": picture}


@speaks_errors
def run_inpaint(dataset, source, seed, label, sketch, upload, region, sweeps, editor=None):
    r = inpaint.inpaint(dataset, region, seed, label, _picture(source, sketch, upload), sweeps, _paint(editor))
    caption = (f"{r.source}; {r.covered_pixels} pixels covered ({inpaint.REGIONS[region]}); RBM frames after "
               f"sweeps {', '.join(map(str, r.frame_sweeps))}; {r.ms:.0f} ms.")
    return r.clean, r.covered, r.rbm, r.vae, r.frames, [list(row) for row in r.rows], caption


def build():
    with gr.Tab("Uses", id="uses"):
        gr.Markdown(INTRO)
        with gr.Row():
            dataset = gr.Radio(picture_datasets(), value=picture_datasets()[0][1],
                               label="Models trained on")
            source = gr.Radio(SOURCES, value="gan", label="Start from")
            seed = Number(0, precision=0, minimum=0, label="Seed (the sample, and the noise or the random cover)")
            label = gr.Dropdown(studio.class_choices(dataset.value), value="any", label="Class of the GAN sample")
        with gr.Accordion("Your own picture (pick 'My drawing or upload' above)", open=False):
            with gr.Row():
                sketch = gr.Sketchpad(label="Draw (pick the brush on the left first)", type="numpy",
                                      canvas_size=(280, 280), height=340,
                                      brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
                upload = gr.File(label="...or upload a picture (PNG, JPEG, WebP; up to 10 MB)", file_types=["image"],
                                 type="binary", height=90)
        dataset.change(lambda d, current: kept(gr.update(choices=studio.class_choices(d), value="any"), current), [dataset, label], label,
                       api_visibility="private")
        shared = [dataset, source, seed, label, sketch, upload]
        with gr.Tabs():
            with gr.Tab("Denoising", id="denoise"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=300):
                        kind = gr.Radio([("Gaussian, std σ", "gaussian"), ("Salt and pepper, fraction p", "salt-pepper")],
                                        value="gaussian", label="Noise")
                        strength = Slider(0.01, 1.0, value=0.3, step=0.01, label="Strength (σ, or p up to 0.9)")
                        told = gr.Checkbox(True, label="Tell the models what the noise is (pictures shown)")
                        d_button = gr.Button("Add noise, then clean", variant="primary")
                        gr.Markdown(DENOISE_NOTE)
                        with gr.Accordion("Reveal", open=False):
                            gr.Markdown(DENOISE_REVEAL)
                    d_inputs = shared + [kind, strength, told]
                    with gr.Column(scale=2):
                        with gr.Row():
                            d_pictures = [gr.Image(label=t, type="pil", format="png", interactive=False, height=170)
                                          for t in ("Clean", "Noisy", "VAE cleaned", "RBM cleaned")]
                        d_table = gr.Dataframe(headers=["what", "PSNR (dB)"], interactive=False)
                        d_caption = gr.Markdown()
                d_button.click(run_denoise, d_inputs, d_pictures + [d_table, d_caption], api_name="denoise",
                               concurrency_limit=2)
                lesson_link("denoise", d_button, d_inputs, d_pictures + [d_table, d_caption], run_denoise)
                worked_example_later(run_denoise, d_inputs, d_pictures + [d_table, d_caption], "denoise_example")
            with gr.Tab("Compression", id="compress"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=300):
                        quantiser = gr.Radio([("Gaussian quantiles (equally likely bins)", "gaussian"),
                                              ("Uniform over ±3σ", "uniform")], value="gaussian", label="Quantiser")
                        c_button = gr.Button("Compress at 1 to 8 bits", variant="primary")
                        gr.Markdown(COMPRESS_NOTE)
                        with gr.Accordion("Reveal", open=False):
                            gr.Markdown(COMPRESS_REVEAL)
                    c_inputs = shared + [quantiser]
                    strip, rows, caption = worked_example(run_compress, c_inputs)      # on screen before any click
                    with gr.Column(scale=2):
                        c_strip = gr.Image(strip, label="Original, then 1 ... 8 bits per dimension, then float32",
                                           type="pil", format="png", interactive=False, height=150)
                        c_table = gr.Dataframe(rows, headers=["bits per dim", "bits per image", "PNG bits",
                                                              "PNG / code", "PSNR (dB)"], interactive=False)
                        c_caption = gr.Markdown(caption)
                c_button.click(run_compress, c_inputs, [c_strip, c_table, c_caption], api_name="compress",
                               concurrency_limit=2)
                lesson_link("compress", c_button, c_inputs, [c_strip, c_table, c_caption], run_compress)
            with gr.Tab("Inpainting", id="inpaint"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=300):
                        region = gr.Dropdown([(v, k) for k, v in inpaint.REGIONS.items()], value="bottom",
                                             label="Cover")
                        sweeps = Slider(1, inpaint.MAX_SWEEPS, value=200, step=1, label="RBM Gibbs sweeps")
                        with gr.Accordion("Paint your own cover (pick 'what you paint' above)", open=False):
                            to_canvas = gr.Button("Put the picture on the canvas", size="sm")
                            editor = gr.ImageEditor(type="numpy", label="Paint what to cover (the brush is on the left)",
                                                    sources=(), transforms=(), layers=False, canvas_size=(280, 280),
                                                    height=340, brush=gr.Brush(default_size=28, colors=["#e03030"],
                                                                               color_mode="fixed"))
                        i_button = gr.Button("Cover, then fill in", variant="primary")
                        gr.Markdown(INPAINT_NOTE)
                        with gr.Accordion("Reveal", open=False):
                            gr.Markdown(INPAINT_REVEAL)
                    i_inputs = shared + [region, sweeps, editor]
                    with gr.Column(scale=2):
                        with gr.Row():
                            i_pictures = [gr.Image(label=t, type="pil", format="png", interactive=False, height=170)
                                          for t in ("Clean", "Covered (grey)", "RBM fill", "VAE fill")]
                        i_frames = gr.Image(label="The RBM's fill as it runs (sweeps left to right)",
                                            type="pil", format="png", interactive=False, height=130)
                        i_table = gr.Dataframe(headers=["fill", "error on covered pixels (mean squared)"],
                                               interactive=False)
                        i_caption = gr.Markdown()
                to_canvas.click(paint_canvas, shared, editor, api_visibility="private")
                i_button.click(run_inpaint, i_inputs, i_pictures + [i_frames, i_table, i_caption], api_name="inpaint",
                               concurrency_limit=2)
                lesson_link("inpaint", i_button, i_inputs, i_pictures + [i_frames, i_table, i_caption], run_inpaint)
                worked_example_later(run_inpaint, i_inputs, i_pictures + [i_frames, i_table, i_caption],
                                     "inpaint_example")
