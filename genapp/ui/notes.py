"""The Audio tab's music: Instrument notes (a family, or all three, playing an instrument at a pitch)
and Melody (a tune played by one generated instrument, or by one morphing into another)."""
import gradio as gr

from .. import studio
from . import keyboard
from .sounds import FAMILIES, count_seed_steps, family_column, family_outputs
from .common import MAIN_QUEUE, download_file, progress_callback, speaks_errors, wire, worked_example_later

NOTES_TO_NOTICE = """
**What you hear.** Each family learned notes of real sampled instruments (a General MIDI soundfont:
ten families, eight instruments each, every note from C3 to C6), told the family and the pitch of each.
Asked for *brass C4*, it draws the spectrogram of a brass note at middle C, and the app turns it into sound.

**Pitch is a row.** The pictures' rows are spaced like a piano's keys (an octave is 17 rows, a semitone
about one and a half), so a note is a stack of bright lines: the lowest is the pitch you hear, the ones
above it its harmonics. One octave up moves the whole stack up by 17 rows. Which harmonics are bright, and how they
fade, is the instrument.

**The families, measured** (`python -m genapp eval vae-notes gan-notes rbm-notes`: 2,000 notes each,
heard by the evaluator after the vocoder). The GAN plays the pitch asked for over 99% of the time and
the instrument family 82%: its discriminator learned to name the family and the pitch of every real note,
and the generator was trained to make notes it names as asked (an AC-GAN, as GANSynth did for pitch).
The VAE gets the pitch 97% of the time but the family only 65%: it draws a blur of the instruments of a
family, and the harmonics' fine pattern, which tells a trumpet from a tuba, is what blurs. The RBM plays
the pitch 99% of the time and the family 37%: its chain starts from that pitch's average note and stays
near it, so its notes of one label all sound alike.
"""

MELODY_TO_NOTICE = """
**One instrument, many notes.** The VAE and the GAN decode every note of the tune from the *same* point
of latent space (the seed's); only the pitch in the label changes, so the instrument keeps its character
from note to note: that is what a latent space is for. The GAN hits the pitches (99% of its notes, see
Instrument notes), so the tune opens on it. The RBM has no such point to hold: each note is a chain of
its own from the same seed. Pick *morph into* and the label slides from one family to the other across
the tune, note by note, as GANSynth did with a Bach prelude.

**Type a tune** as note names with lengths in beats: `C4 E4 G4 C5:2` (C4 is middle C, `:2` two beats,
`R` a rest), from C3 to C6.
"""


@speaks_errors
def check_notes(family, instrument, pitch, n, seed, steps):
    studio.notes_request(family, instrument, pitch, n, seed, steps)


@speaks_errors
def generate_notes(family, instrument, pitch, n, seed, steps, progress=None):
    results = studio.compare_notes(family, instrument, pitch, n, seed, steps,
                                   None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    return family_outputs(results, f"notes-{family}-{instrument}-{pitch}-seed{seed}")


@speaks_errors
def check_melody(checkpoint, tune, instrument, to_instrument, seed, bpm):
    studio.melody_request(checkpoint, tune, instrument, to_instrument, seed, bpm)


@speaks_errors
def play_melody(checkpoint, tune, instrument, to_instrument, seed, bpm):
    m = studio.play_melody(checkpoint, tune, instrument, to_instrument, seed, bpm)
    return (m.sample_rate, m.pcm), m.piano_roll, m.spectrograms, download_file(m.wav, f"melody-{checkpoint}-seed{seed}.wav")


def notes_controls():
    instrument = gr.Dropdown(list(studio.notes.instruments()), value="brass", label="Instrument family")
    pitch = gr.Dropdown(list(studio.notes.pitches()), value="C4", label="Pitch", allow_custom_value=True,
                        info="a note name, C3 to C6 (C4 is middle C; sharps as C#4 or flats as Db4), or a key below")
    keyboard.picks_pitch(keyboard.keyboard("C4", "Pick a pitch on the keyboard"), pitch)
    return instrument, pitch


def build_notes():
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            family = gr.Radio(FAMILIES, value="all", label="Family")
            instrument, pitch = notes_controls()
            n, seed, steps = count_seed_steps("notes", "notes")
            button = gr.Button("Generate", variant="primary")
            with gr.Accordion("What to notice", open=False):
                gr.Markdown(NOTES_TO_NOTICE)
        inputs = [family, instrument, pitch, n, seed, steps]
        slots, download = family_column("notes")
    worked_example_later(generate_notes, inputs, [*slots, download], "generate_notes_example")
    wire(button, check_notes, generate_notes, inputs, [*slots, download], api_name="generate_notes",
         preprocess=False, **MAIN_QUEUE)


def build_melody():
    players = [c for c in studio.walkers() if studio.checkpoint_dataset(c) == "notes"]
    if not players:
        gr.Markdown("No instrument-notes checkpoint is bundled with this server: no melody to play.")
        return
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            checkpoint = gr.Radio(players, value=next((c for c in players if studio.family_of(c) == "gan"), players[0]),
                                  label="Model")
            examples = gr.Dropdown(list(studio.tunes.TUNES), value="Ode to Joy (Beethoven)", label="A tune to start from")
            tune = gr.Textbox(studio.tunes.TUNES["Ode to Joy (Beethoven)"], lines=3, max_lines=6,
                              label="Tune", info="note names with lengths in beats, e.g. C4 E4 G4 C5:2 (R: a rest)")
            keyboard.adds_to_tune(keyboard.keyboard("", "Add a note to the tune: press a key"), tune)
            instrument = gr.Dropdown(list(studio.notes.instruments()), value="strings", label="Instrument family")
            to_instrument = gr.Dropdown(["none", *studio.notes.instruments()], value="none",
                                        label="Morph into", info="'none': the instrument holds for the whole tune")
            seed = gr.Number(0, precision=0, minimum=0, label="Seed (the point in latent space)")
            bpm = gr.Slider(studio.tunes.MIN_BPM, studio.tunes.MAX_BPM, value=100, step=1, label="Beats per minute")
            button = gr.Button("Play the tune", variant="primary")
            with gr.Accordion("What to notice", open=False):
                gr.Markdown(MELODY_TO_NOTICE)
        inputs = [checkpoint, tune, instrument, to_instrument, seed, bpm]
        with gr.Column(scale=2):
            heard = gr.Audio(label="The tune", type="numpy", interactive=False)
            roll = gr.Image(label="Piano roll (colour: the instrument)", type="pil", format="png",
                            interactive=False, height=240)
            spectrograms = gr.Image(label="Each note as generated (time across, pitch up)", type="pil",
                                    format="png", interactive=False, height=200)
            download = gr.DownloadButton("Download WAV", variant="secondary")
    outputs = [heard, roll, spectrograms, download]
    worked_example_later(play_melody, inputs, outputs, api_name="melody_example")
    examples.change(lambda title: studio.tunes.TUNES.get(title, gr.update()), examples, tune,
                    api_visibility="private", queue=False)
    wire(button, check_melody, play_melody, inputs, outputs, api_name="play_melody", preprocess=False,
         **MAIN_QUEUE)
