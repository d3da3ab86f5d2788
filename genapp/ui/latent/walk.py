"""The Latent space tab's walk: pick an image or sound checkpoint and two seeds, and watch (and hear) the
model walk from one point of its latent space to the other, each step scored by the evaluator."""
import gradio as gr

from ... import studio
from ..common import MAIN_QUEUE, download_file, first_of, kept, props, speaks_errors, wire, worked_example

WHAT_TO_NOTICE = """
**What you see.** Every seed names a point in the model's *latent space*: 16 or 32 numbers for a VAE,
64 for the GAN, the 500 hidden units' probabilities for the RBM. The model turns any point into a
picture, so a line between two points becomes a film. Under each frame, the evaluator says what it
sees and how sure it is (green: sure, red: unsure): where it hesitates, the path has left the places
the model learned from.

**Straight or curved.** Two random points of a 32- or 64-dimensional Gaussian lie far from the
centre, and the straight line between them dips towards it, where the model saw few examples:
*slerp* follows the arc instead, keeping the distance from the centre typical (White 2016).

**Classes.** Pick the same class at both ends to walk within it (style changes, the class stays), or
two classes to morph one into the other: the VAE and GAN blend their class inputs along the way. The
RBM's hidden units carry the class themselves, so its walk is between two of its samples. For
instrument notes, the same pitch with two instruments is a *timbre morph* (brass into strings at C4),
as GANSynth showed; one WAV plays the whole morph, a note per step.
"""


def class_menus_of(checkpoint) -> tuple:
    """Both ends' menus of a checkpoint's classes, on the classes its data set's walks open on."""
    choices = studio.class_choices(studio.checkpoint_dataset(checkpoint))
    start, end = studio.walk_ends(checkpoint)
    return gr.update(choices=choices, value=start), gr.update(choices=choices, value=end)


@speaks_errors
def class_menus(checkpoint, from_current, to_current):
    """The checkpoint's classes for both ends, and the sound players only for a sound checkpoint."""
    from_menu, to_menu = class_menus_of(studio.check_walker(checkpoint))  # a picture or a sound generator
    return (kept(from_menu, from_current), kept(to_menu, to_current),
            gr.Column(visible=checkpoint in studio.generators("audio")))


@speaks_errors
def check(checkpoint, from_seed, to_seed, from_label, to_label, steps, spherical):
    studio.check_walk(checkpoint, from_seed, to_seed, steps, spherical, from_label, to_label)


@speaks_errors
def walk(checkpoint, from_seed, to_seed, from_label, to_label, steps, spherical):
    r = studio.walk(checkpoint, from_seed, to_seed, steps, spherical, from_label, to_label)
    stem = f"{checkpoint}-walk-{from_seed}-{to_seed}"
    gif = download_file(r.gif, stem + ".gif")
    unsure = [i for i, p in enumerate(r.confidence) if p < 0.5]
    summary = (f"{len(r.confidence)} steps in {r.ms:.0f} ms. The evaluator sees "
               f"{' → '.join(dict.fromkeys(r.recognised))}; lowest confidence {min(r.confidence):.2f}"
               + (f" (unsure at step {', '.join(str(i + 1) for i in unsure)})." if unsure else "."))
    sound = None if r.pcm is None else (r.sample_rate, r.pcm)
    return (r.strip, gif, summary, download_file(r.png, stem + ".png"), gif, sound,
            r.clips and [(r.sample_rate, c) for c in r.clips],
            gr.update(maximum=len(r.confidence), value=1, visible=r.pcm is not None),
            None if r.pcm is None else (r.sample_rate, r.clips[0]))


def play_step(clips, k):
    """One step's clip of the last sound walk (kept in the page's state)."""
    if not clips:
        return None
    k = min(max(int(k), 1), len(clips))
    rate, pcm = clips[k - 1]
    return rate, pcm


def build():
    generators = studio.walkers()
    first = first_of(generators, "gan")            # the walk opens on a GAN, the sharpest films
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            checkpoint = gr.Dropdown(generators, value=first, label="Checkpoint")
            with gr.Row():
                from_seed = gr.Number(1, precision=0, minimum=0, label="From seed")
                to_seed = gr.Number(2, precision=0, minimum=0, label="To seed")
            with gr.Row():
                from_menu, to_menu = class_menus_of(first)
                from_label = gr.Dropdown(label="From class", **props(from_menu))
                to_label = gr.Dropdown(label="To class", **props(to_menu))
            steps = gr.Slider(studio.MIN_PATH_STEPS, studio.MAX_PATH_STEPS, value=16, step=1, label="Steps")
            spherical = gr.Checkbox(True, label="Spherical path (slerp)", info="off: a straight line")
            button = gr.Button("Walk", variant="primary")
            with gr.Accordion("What to notice", open=False):
                gr.Markdown(WHAT_TO_NOTICE)
        inputs = [checkpoint, from_seed, to_seed, from_label, to_label, steps, spherical]
        (first_strip, first_film, first_summary, first_png, first_gif, first_sound, first_clips, first_step,
         first_step_sound) = worked_example(walk, inputs)                    # on screen before any click
        with gr.Column(scale=2):
            strip = gr.Image(first_strip, label="The walk, step by step (the evaluator's verdict under each)",
                             type="pil", format="png", interactive=False, height=300)
            with gr.Row():
                film = gr.Image(first_film, label="As a film", type="filepath", interactive=False, height=240,
                                scale=1)
                with gr.Column(scale=2):
                    summary = gr.Markdown(first_summary)
                    png = gr.DownloadButton("Download strip (PNG)", value=first_png, variant="secondary")
                    gif = gr.DownloadButton("Download film (GIF)", value=first_gif, variant="secondary")
            with gr.Column(visible=first_sound is not None) as sounds:
                sound = gr.Audio(first_sound, label="The whole walk, a clip per step", type="numpy",
                                 interactive=False)
                with gr.Row():
                    step = gr.Slider(1, step=1, label="Play one step", scale=2, **props(first_step))
                    step_sound = gr.Audio(first_step_sound, label="That step", type="numpy", interactive=False,
                                          scale=1)
            clips = gr.State(first_clips)

    checkpoint.change(class_menus, [checkpoint, from_label, to_label], [from_label, to_label, sounds], api_visibility="private",
                      preprocess=False)
    wire(button, check, walk, inputs, [strip, film, summary, png, gif, sound, clips, step, step_sound],
         api_name="interpolate", preprocess=False, **MAIN_QUEUE)
    step.input(play_step, [clips, step], step_sound, api_visibility="private", show_progress="hidden")
