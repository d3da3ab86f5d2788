"""The whole app: a header and one tab per lesson."""
import gradio as gr

from . import augment
from . import uses
from . import audio, classroom, image, latent, limits, links, text, toy

INTRO = """# genapp: see how generative models work
Generate pictures, sounds and text with three classic families of generative models (a **VAE**, a
**GAN** and an **RBM**), each trained on handwritten digits, clothing, colour emoji, spoken digits,
instrument notes, baby names and lines of Shakespeare, and compare them on the same seed."""


def build_app() -> gr.Blocks:
    with gr.Blocks(title="genapp: generative models you can see") as demo:
        gr.Markdown(INTRO)
        with gr.Tabs() as tabs:
            image.build()
            audio.build()
            text.build()
            latent.build()
            limits.build()
            uses.build()
            augment.build()
            toy.build()
            room_code = classroom.build()
        demo.load(classroom.from_link, None, [tabs, room_code], api_visibility="private")    # a room's link
        demo.load(links.restore, None, links.all_components(), api_visibility="private",   # a lesson link
                  concurrency_id="main", concurrency_limit=2, show_progress="hidden")
    return demo
