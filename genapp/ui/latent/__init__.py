"""The Latent space tab: one sub-tab per way into a model's latent space, each section in its own module."""
import gradio as gr

from . import clip, map2d, names, picture, point, walk


def build():
    with gr.Tab("Latent space", id="latent"), gr.Tabs():
        with gr.Tab("Walk between two seeds", id="walk"):
            walk.build()
        with gr.Tab("From a picture", id="picture"):
            picture.build()
        with gr.Tab("From a recording", id="recording"):
            clip.build()
        with gr.Tab("Names", id="names"):
            names.build()
        with gr.Tab("One point by hand", id="point"):
            point.build()
        with gr.Tab("2-D latent map", id="map"):
            map2d.build()
