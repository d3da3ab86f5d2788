"""The Limits tab's RBM quality panel: more compute, better samples? 200 RBM chains scored by the
evaluator after 1 to 500 Gibbs sweeps."""
import gradio as gr
import pandas as pd

from ... import studio
from ..common import speaks_errors, worked_example_later
from ..links import lesson_link

QUALITY_NOTE = """**More compute, better samples?** 200 RBM chains (20 per class), scored by the evaluator after 1 to
500 Gibbs sweeps. The tab opens on the MNIST RBM's curve: predict where the Fashion-MNIST RBM's levels off, then
run it."""


@speaks_errors
def quality(checkpoint):
    rows = studio.rbm_quality_by_steps(checkpoint)
    table = pd.DataFrame(rows, columns=["Gibbs sweeps", "recognised as asked", "elapsed ms"])
    return table, table


def build():
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
    lesson_link("rbm_quality_by_steps", run_quality, [rbm], [quality_plot, quality_table], quality)
