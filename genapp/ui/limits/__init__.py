"""The Limits tab: what each family is bad at, measured while you watch. Mode collapse (a class
histogram of 1,000 samples), the inverse-mapping duel (one picture, three ways back into latent
space), an RBM's Gibbs chain and the compute cost of every generator."""
import gradio as gr
import pandas as pd

from ... import studio
from . import copying
from ..common import download_file, progress_callback, speaks_errors, worked_example, worked_example_later
from ..latent.picture import picture_of

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

DUEL_NOTE = """**Predict, then reveal.** Which family will rebuild your digit most faithfully, and which
fastest? The VAE was *trained* to invert itself: its encoder answers in one pass, but it blurs. A GAN
has no way back: the app searches for the z whose picture is closest, 200 steps of gradient descent
(watch the error fall), slower but often sharper. The RBM goes up to its hidden units and down again
in one step."""

DUEL_EXAMPLE = ("*Until you race your own digit, this is the race on a 7 the app drew in two strokes, as you would on "
                "the sketchpad.*")

COST_NOTE = """**What to notice.** Sampling cost is not size: for pictures and names the RBM is the smallest
network here, yet the most expensive to sample, because each sample needs 100 (names: 200) Gibbs
sweeps through it; a VAE or GAN needs one pass. Training cost is the other way round in places. FLOPs are counted by torch's
FLOP counter (matrix products and convolutions); milliseconds are measured on this machine, once as the server
starts and again whenever you press the button."""

QUALITY_NOTE = """**More compute, better samples?** 200 RBM chains (20 per class), scored by the evaluator after 1 to
500 Gibbs sweeps. The tab opens on the MNIST RBM's curve: predict where the Fashion-MNIST RBM's levels off, then
run it."""


@speaks_errors
def collapse(left, right, seed, progress=gr.Progress()):
    a, b = (studio.mode_collapse(c, seed, progress=progress_callback(progress, f"Sampling {c}")) for c in (left, right))
    rows = [[r.checkpoint, f"{r.covered} of {len(r.class_names)}", r.kl, round(r.ms)] for r in (a, b)]
    return a.chart, a.samples, b.chart, b.samples, rows


@speaks_errors
def duel(dataset, label, sketch, upload, progress=gr.Progress()):
    results = studio.inverse_duel(dataset, picture_of(sketch, upload), label,
                                  progress_callback(progress, "Inverting the GAN"))
    pictures = [r.reconstruction for r in results]
    rows = [[r.checkpoint, r.method, round(r.error, 5), round(r.ms, 1)] for r in results]
    search = next(r for r in results if r.losses)          # the one found by a search: the GAN's inversion
    curve = {"step": list(range(1, len(search.losses) + 1)), "pixel error": search.losses}
    return results[0].seen, *pictures, rows, pd.DataFrame(curve)


GIBBS_NOTE = """**What to notice.** Each row is one chain of the RBM with its class clamped, shown after sweeps
1, 2, 3, ... (log-spaced). It starts from the class's average picture, a blur, and sharpens within
ten sweeps or so; after that it keeps moving, slowly, and a chain may wander into another class
(an RBM mixes slowly: that is why sampling one costs so many sweeps). **Predict, then reveal:** what
will a temperature of 2 do? And 0.5?"""

GIBBS_REVEAL = """Measured on rbm-mnist, 200 chains clamped to 3, after 200 sweeps: at temperature **2** every
unit is less sure, and the digits dissolve into grey noise (none is still recognised as a 3). At
**0.5** the chains turn crisp and nearly freeze (pixels change 3% over the last 50 sweeps, against
10% at temperature 1; 86% are still 3s). Temperature trades how sharp a sample is against how far
the chain can travel."""


@speaks_errors
def chain(dataset, label, seed, steps, temperature):
    f = studio.gibbs_film(dataset, label, seed, steps, temperature)
    gif = download_file(f.gif, f"{f.checkpoint}-chain-{seed}.gif")
    caption = (f"{len(f.shown_steps)} of {steps} sweeps shown (sweeps {', '.join(map(str, f.shown_steps))}); "
               f"4 chains in {f.ms:.0f} ms.")
    return f.strip, gif, caption


@speaks_errors
def quality(checkpoint):
    rows = studio.rbm_quality_by_steps(checkpoint)
    table = pd.DataFrame(rows, columns=["Gibbs sweeps", "recognised as asked", "elapsed ms"])
    return table, table


@speaks_errors
def costs():
    rows = studio.compute_costs()
    table = [[c.checkpoint, f"{c.parameters:,}", c.mflops_per_sample, c.ms_per_sample,
              "" if c.training_seconds is None else f"{c.training_seconds:.0f} s, {c.training_device}"] for c in rows]
    bars = pd.DataFrame({"checkpoint": [c.checkpoint for c in rows], "family": [studio.family_of(c.checkpoint) for c in rows],
                         "ms per sample": [c.ms_per_sample for c in rows],
                         "MFLOPs per sample": [c.mflops_per_sample for c in rows]})
    return table, bars, bars


def build():
    with gr.Tab("Limits", id="limits"), gr.Tabs():
        with gr.Tab("Mode collapse", id="collapse"):
            choices = studio.collapse.collapse_checkpoints()
            with gr.Row():
                c_left = gr.Dropdown(choices, value="gan-mnist-collapsed", label="Checkpoint")
                c_right = gr.Dropdown(choices, value="gan-mnist", label="...beside")
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
        with gr.Tab("Inverse mapping duel", id="duel"):
            with gr.Row():
                with gr.Column(scale=1, min_width=320):
                    sketch = gr.Sketchpad(label="Draw a digit (pick the brush on the left first)", type="numpy",
                                          canvas_size=(280, 280), height=340,
                                          brush=gr.Brush(default_size=18, colors=["#000000"], color_mode="fixed"))
                    upload = gr.File(label="...or upload a picture", file_types=["image"], type="binary", height=90)
                    dataset = gr.Radio([("MNIST digits", "mnist"), ("Fashion-MNIST", "fashion")], value="mnist",
                                       label="Models trained on")
                    label = gr.Dropdown(studio.class_choices("mnist"), value="any", label="Class",
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
            dataset.change(lambda d: gr.Dropdown(choices=studio.class_choices(d), value="any"), dataset, label,
                           api_visibility="private")
            inputs, outputs = [dataset, label, sketch, upload], [seen, *outs, table, curve]
            # on a drawing of the app's (the sketchpad starts empty): the GAN's inversion takes a second
            drawing = {sketch: studio.pictures.example_drawing()}
            worked_example_later(duel, inputs, outputs, "inverse_duel_example", drawing)
            button.click(duel, inputs, outputs, api_name="inverse_duel", concurrency_limit=2)
        with gr.Tab("Gibbs chain", id="gibbs"):
            with gr.Row():
                with gr.Column(scale=1, min_width=300):
                    g_dataset = gr.Radio([("MNIST digits", "mnist"), ("Fashion-MNIST", "fashion")], value="mnist",
                                         label="RBM trained on")
                    g_label = gr.Dropdown(studio.class_choices("mnist"), value="3", label="Class (clamped)")
                    g_seed = gr.Number(0, precision=0, minimum=0, label="Seed")
                    g_steps = gr.Slider(1, studio.gibbs.MAX_CHAIN_STEPS, value=200, step=1, label="Gibbs sweeps")
                    g_temperature = gr.Slider(*studio.gibbs.TEMPERATURES, value=1.0, step=0.05, label="Temperature")
                    g_button = gr.Button("Run the chain", variant="primary")
                    gr.Markdown(GIBBS_NOTE)
                    with gr.Accordion("Reveal", open=False):
                        gr.Markdown(GIBBS_REVEAL)
                g_inputs = [g_dataset, g_label, g_seed, g_steps, g_temperature]
                strip, film, caption = worked_example(chain, g_inputs)           # on screen before any click
                with gr.Column(scale=2):
                    g_strip = gr.Image(strip, label="Four chains, sweep by sweep (left to right)", type="pil",
                                       format="png", interactive=False, height=260)
                    with gr.Row():
                        g_film = gr.Image(film, label="The first chain as a film", type="filepath", interactive=False,
                                          height=200)
                        g_caption = gr.Markdown(caption)
            g_dataset.change(lambda d: gr.Dropdown(choices=studio.class_choices(d), value="any"), g_dataset, g_label,
                             api_visibility="private")
            g_button.click(chain, g_inputs, [g_strip, g_film, g_caption], api_name="gibbs_chain", preprocess=False,
                           concurrency_limit=2)
        with gr.Tab("Compute cost", id="cost"):
            gr.Markdown(COST_NOTE)
            measure = gr.Button("Measure now", variant="primary")
            cost_table = gr.Dataframe(headers=["checkpoint", "parameters", "MFLOPs per sample", "ms per sample",
                                               "training (from its card)"], interactive=False)
            with gr.Row():
                ms_bars = gr.BarPlot(x="checkpoint", y="ms per sample", color="family", height=260,
                                     title="Milliseconds per sample, measured here", x_label_angle=-40)
                flop_bars = gr.BarPlot(x="checkpoint", y="MFLOPs per sample", color="family", height=260,
                                       title="MFLOPs per sample", x_label_angle=-40)
            # measured as the server starts, in the background: two seconds
            worked_example_later(costs, [], [cost_table, ms_bars, flop_bars], "compute_costs_example")
            measure.click(costs, None, [cost_table, ms_bars, flop_bars], api_name="compute_costs", concurrency_limit=1)
            gr.Markdown(QUALITY_NOTE)
            with gr.Row():
                rbm = gr.Radio(studio.chain_checkpoints(), value=studio.chain_checkpoints()[0], label="RBM")
                run_quality = gr.Button("Run the chains", variant="secondary")
            with gr.Row():
                quality_plot = gr.LinePlot(x="Gibbs sweeps", y="recognised as asked", height=240)
                quality_table = gr.Dataframe(interactive=False)
            worked_example_later(quality, [rbm], [quality_plot, quality_table], "rbm_quality_example")  # 2 seconds
            run_quality.click(quality, rbm, [quality_plot, quality_table], api_name="rbm_quality_by_steps",
                              preprocess=False, concurrency_limit=1)
        copying.build()
