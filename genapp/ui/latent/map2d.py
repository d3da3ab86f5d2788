"""The Latent space tab's 2-D map: a VAE with a 2-dimensional latent, its test images' codes as a
scatter by class, the decoded manifold, and the picture of any point clicked on the scatter."""
import gradio as gr

from ... import studio
from ..common import speaks_errors, worked_example
from ..links import lesson_link


@speaks_errors
def show_map(checkpoint):
    m = studio.latent_map(checkpoint)
    return m.scatter, m.manifold, f"{m.points:,} test images, each at the mean of its code q(z|x). Click anywhere."


@speaks_errors
def clicked(checkpoint, evt: gr.SelectData):
    return at(checkpoint, *studio.pixel_to_latent(*evt.index))


def at(checkpoint, z1, z2):
    return studio.decode_map_point(checkpoint, z1, z2), f"z = ({z1:+.2f}, {z2:+.2f})"


@speaks_errors
def decode(checkpoint, z1, z2):
    return studio.decode_map_point(checkpoint, z1, z2)


def build():
    checkpoints = studio.map_checkpoints()
    if not checkpoints:
        gr.Markdown("No 2-D latent checkpoint is bundled.")
        return
    # hidden: gives the decode a named API endpoint that takes coordinates instead of a click
    z1, z2, go = gr.Number(0.0, visible=False), gr.Number(0.0, visible=False), gr.Button(visible=False)
    with gr.Row():
        with gr.Column(scale=2):
            checkpoint = gr.Radio(checkpoints, value=checkpoints[0], label="2-D latent checkpoint")
            scatter_first, manifold_first, caption_first = worked_example(show_map, [checkpoint])
            scatter = gr.Image(scatter_first, label="Test images in latent space (click a point)", type="pil",
                               format="png", interactive=False, height=500)
            caption = gr.Markdown(caption_first)
        with gr.Column(scale=1, min_width=240):
            picture_first, where_first = worked_example(at, [checkpoint, z1, z2])      # the prior's centre
            picture = gr.Image(picture_first, label="Decoded at the click", type="pil", format="png",
                               interactive=False, height=240)
            where = gr.Markdown(f"{where_first}, the centre: click the scatter for another point")
            manifold = gr.Image(manifold_first, label="The decoded manifold (z at the Gaussian's 5-95% quantiles)",
                                type="pil", format="png", interactive=False, height=300)
    checkpoint.change(show_map, checkpoint, [scatter, manifold, caption], api_name="latent_map", preprocess=False)
    scatter.select(clicked, checkpoint, [picture, where], api_visibility="private", preprocess=False)
    go.click(decode, [checkpoint, z1, z2], picture, api_name="decode_map_point", preprocess=False)
    lesson_link("decode_map_point", go, [checkpoint, z1, z2], [picture], decode)
