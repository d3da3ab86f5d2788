"""The Limits tab's Gibbs chain: an RBM's chains with their class clamped, sweep by sweep, as a strip and
a film, at a temperature of your choice."""
import gradio as gr

from ... import studio
from ..common import download_file, kept, picture_datasets, speaks_errors, worked_example_later
from ..links import lesson_link

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


def build():
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            g_dataset = gr.Radio(picture_datasets(), value=picture_datasets()[0][1],
                                 label="RBM trained on")
            g_label = gr.Dropdown(studio.class_choices(g_dataset.value), value="3", label="Class (clamped)")
            g_seed = gr.Number(0, precision=0, minimum=0, label="Seed")
            g_steps = gr.Slider(1, studio.gibbs.MAX_CHAIN_STEPS, value=200, step=1, label="Gibbs sweeps")
            g_temperature = gr.Slider(*studio.gibbs.TEMPERATURES, value=1.0, step=0.05, label="Temperature")
            g_button = gr.Button("Run the chain", variant="primary")
            gr.Markdown(GIBBS_NOTE)
            with gr.Accordion("Reveal", open=False):
                gr.Markdown(GIBBS_REVEAL)
        g_inputs = [g_dataset, g_label, g_seed, g_steps, g_temperature]
        with gr.Column(scale=2):
            g_strip = gr.Image(label="Four chains, sweep by sweep (left to right)", type="pil",
                               format="png", interactive=False, height=260)
            with gr.Row():
                g_film = gr.Image(label="The first chain as a film", type="filepath", interactive=False,
                                  height=200)
                g_caption = gr.Markdown()
    g_dataset.change(lambda d, current: kept(gr.update(choices=studio.class_choices(d), value="any"), current), [g_dataset, g_label], g_label,
                     api_visibility="private")
    g_button.click(chain, g_inputs, [g_strip, g_film, g_caption], api_name="gibbs_chain", preprocess=False,
                   concurrency_limit=2)
    lesson_link("gibbs_chain", g_button, g_inputs, [g_strip, g_film, g_caption], chain)
    worked_example_later(chain, g_inputs, [g_strip, g_film, g_caption], "gibbs_chain_example")
