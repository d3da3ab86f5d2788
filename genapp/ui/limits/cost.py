"""The Limits tab's compute cost panel: parameters, FLOPs and milliseconds per sample of every generator,
measured on this machine, beside the training time its card records."""
import gradio as gr
import pandas as pd

from ... import studio
from ..common import speaks_errors, worked_example_later

COST_NOTE = """**What to notice.** Sampling cost is not size: for pictures and names the RBM is the smallest
network here, yet the most expensive to sample, because each sample needs 100 (names: 200) Gibbs
sweeps through it; a VAE or GAN needs one pass. Training cost is the other way round in places. FLOPs are counted by torch's
FLOP counter (matrix products and convolutions); milliseconds are measured on this machine, once as the server
starts and again whenever you press the button."""


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
