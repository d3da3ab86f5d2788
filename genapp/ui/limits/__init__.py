"""The Limits tab: what each family is bad at, measured while you watch. One module per panel: mode
collapse (a class histogram of 1,000 samples), the inverse-mapping duel (one picture, three ways back into
latent space), an RBM's Gibbs chain, the compute cost of every generator beside an RBM's quality per
sweep, and whether a sample copies its training data."""
import gradio as gr

from . import collapse, copying, cost, duel, gibbs, quality


def build():
    with gr.Tab("Limits", id="limits"), gr.Tabs():
        with gr.Tab("Mode collapse", id="collapse"):
            collapse.build()
        with gr.Tab("Inverse mapping duel", id="duel"):
            duel.build()
        with gr.Tab("Gibbs chain", id="gibbs"):
            gibbs.build()
        with gr.Tab("Compute cost", id="cost"):
            cost.build()
            quality.build()
        with gr.Tab("Is it copying?", id="copying"):
            copying.build()
