"""The Audio tab: Spoken digits (a family, or all three, a digit to say, how many clips and a seed; hear
each family's clips and see their spectrograms), then the music sections of ui/notes.py."""
import gradio as gr

from .. import studio
from . import notes
from .common import MAIN_QUEUE, progress_callback, speaks_errors, tab_of_sections, wire, worked_example_later
from .sounds import FAMILIES, count_seed_steps, family_column, family_outputs

DIGITS = ["any"] + [str(d) for d in range(10)]

WHAT_TO_NOTICE = """
**What you see.** A *spectrogram* draws sound as a picture: time runs left to right, pitch bottom to
top, and brightness is loudness. Each family here learned to draw spectrograms of people saying a
digit, exactly as it learned to draw handwritten digits, and the app turns the pictures into sound.

**Why it sounds a little robotic.** A spectrogram keeps how loud each pitch is but throws away the
*phase* (how the waves line up). The app guesses the phase with the Griffin-Lim algorithm; the guess
is good enough to understand the digit, not to sound natural. Real recordings through the same round
trip are still recognised 99% of the time, so what you hear wrong is mostly the model's.

**The families.** The VAE's clips are smooth and a bit muffled (it averages); the GAN's are crisper,
with speckles of noise in their spectrograms. The RBM's chain starts from the digit's average
spectrogram and wanders from there: its clips say the digit but vary less than real speakers do. For
sound its visible units are Gaussian (a loudness is a real number), not the on/off pixels it uses for
pictures; with on/off units it could not learn these spectrograms at all.
"""


@speaks_errors
def check(family, label, n, seed, steps):
    studio.check_sound_comparison(family, n, seed, label, steps)


@speaks_errors
def generate(family, label, n, seed, steps, progress=None):
    results = studio.compare_sounds(family, n, seed, label, steps,
                                    None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    return family_outputs(results, f"fsdd-{family}-seed{seed}")


def build():
    tab_of_sections("Audio", "audio", [("Spoken digits", "audio-digits", build_digits),
                                       ("Instrument notes", "audio-notes", notes.build_notes),
                                       ("Melody", "audio-melody", notes.build_melody)])


def build_digits():
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            family = gr.Radio(FAMILIES, value="all", label="Family")
            label = gr.Dropdown(DIGITS, value="7", label="Digit to say",
                                info="'any' lets the seed pick a digit for each clip")
            n, seed, steps = count_seed_steps("clips", "fsdd")
            button = gr.Button("Generate", variant="primary")
            with gr.Accordion("What to notice", open=False):
                gr.Markdown(WHAT_TO_NOTICE)
        inputs = [family, label, n, seed, steps]
        slots, download = family_column("clips")
    worked_example_later(generate, inputs, [*slots, download], "generate_audio_example")

    wire(button, check, generate, inputs, [*slots, download], api_name="generate_audio", preprocess=False,
         **MAIN_QUEUE)
