"""The Latent space tab's "from a recording" section: record or upload someone saying a digit or playing
a note, see and hear where each family puts it, then walk from it to a seed's point."""
import functools

import gradio as gr

from ... import studio
from ...studio.checks import MAX_UPLOAD_BYTES
from ..common import download_file, kept, progress_callback, speaks_errors, wire, worked_example_later
from ..gradio_fixes import Number, Slider
from .picture import summary

EXAMPLE = ("*Until you place your own, this is {speaker} saying 7 (seed 0), the clip the recorder starts with: "
           "record or upload yours, then press the button.*")


def clip_of(recording):
    """The recorded or uploaded file's bytes, None when there is none. The studio reads them with
    soundfile (WAV, FLAC, OGG, MP3) and explains a file it cannot read; Gradio's own reading (type
    "numpy") needs ffmpeg for all but WAV and answers a broken file with a bare 'Error'."""
    if recording is None:
        return None
    with open(recording, "rb") as f:
        return f.read(MAX_UPLOAD_BYTES + 1)


@speaks_errors
def check(checkpoint, label, recording):
    studio.check_picture(checkpoint, clip_of(recording), label)


@speaks_errors
def encode(checkpoint, label, recording, progress=gr.Progress()):
    e = studio.encode_picture(checkpoint, clip_of(recording), label,
                              progress=progress_callback(progress, "Inverting the GAN"))
    return e.seen, (e.sample_rate, e.heard), e.reconstruction, (e.sample_rate, e.rebuilt_sound), summary(e)


@speaks_errors
def check_walk(checkpoint, label, recording, to_seed, to_label, steps, to_recording):
    studio.check_picture(checkpoint, clip_of(recording), label)
    studio.check_walk(checkpoint, 0, to_seed, steps, True, label, to_label)
    if to_recording is not None:
        studio.check_picture(checkpoint, clip_of(to_recording), to_label)


@speaks_errors
def walk(checkpoint, label, recording, to_seed, to_label, steps, to_recording, progress=gr.Progress()):
    e, r = studio.walk_from_picture(checkpoint, clip_of(recording), label, to_seed, to_label, steps, True,
                                    progress_callback(progress, "Inverting the GAN"), clip_of(to_recording))
    return (e.seen, (e.sample_rate, e.heard), e.reconstruction, (e.sample_rate, e.rebuilt_sound), summary(e),
            r.strip, (r.sample_rate, r.pcm), download_file(r.wav, f"{checkpoint}-walk-from-recording-{to_seed}.wav"))


@speaks_errors
def class_menus(checkpoint, current, to_current):
    """The checkpoint's classes (digits, or instrument notes) for the clip and for the walk's end."""
    choices = studio.class_choices(studio.checkpoint_dataset(studio.check_walker(checkpoint)))
    return (kept(gr.update(choices=choices, value="any"), current),
            kept(gr.update(choices=choices, value=studio.walk_ends(checkpoint)[1]), to_current))


def walk_example(speaker, *values):
    *encoded, found, strip, sound, wav = walk(*values)
    return *encoded, f"{EXAMPLE.format(speaker=speaker)}\n\n{found}", strip, sound, wav


def build():
    checkpoints = studio.generators("audio")
    if not checkpoints:
        gr.Markdown("No sound checkpoint is bundled.")
        return
    classes = studio.class_choices(studio.checkpoint_dataset(checkpoints[0]))
    speaker = checkpoints[-1]                    # another model than the checkpoint placing it, where there is one
    said = download_file(studio.generate_audio(speaker, 1, seed=0, label="7").wav, f"{speaker}-7-seed0.wav")
    with gr.Row():
        with gr.Column(scale=1, min_width=320):
            recording = gr.Audio(said, label="Upload a sound file, or record yourself saying a digit or playing a "
                                 "note (microphone icon)",
                                 sources=["upload", "microphone"], type="filepath")
            checkpoint = gr.Dropdown(checkpoints, value=checkpoints[0], label="Checkpoint")
            label = gr.Dropdown(classes, value="any", label="What it is (a digit, or an instrument and a pitch)",
                                info="'any': the evaluator names it")
            button = gr.Button("Place it in latent space", variant="primary")
            gr.Markdown("Any rate, length (up to 30 s) and number of channels: the clip is resampled to the "
                        "checkpoint's rate (8 kHz for spoken digits, 16 kHz for notes), its silence trimmed, and "
                        "placed in one second as the training clips were (a digit centred, a note from its onset). "
                        "A note checkpoint takes a note from C3 to C6 played on any instrument.")
        with gr.Column(scale=2):
            with gr.Row():
                seen = gr.Image(label="What the model is given (spectrogram, pitch up)", type="pil", format="png",
                                interactive=False, height=200)
                rebuilt = gr.Image(label="Decoded from its latent", type="pil", format="png", interactive=False,
                                   height=200)
            with gr.Row():
                heard = gr.Audio(label="Given (through the vocoder)", type="numpy", interactive=False)
                rebuilt_sound = gr.Audio(label="Decoded", type="numpy", interactive=False)
            found = gr.Markdown()
            with gr.Row():
                to_seed = Number(2, precision=0, minimum=0, label="Walk to seed")
                to_label = gr.Dropdown(classes, value="3", label="Its class")
                steps = Slider(studio.MIN_PATH_STEPS, studio.MAX_PATH_STEPS, value=8, step=1, label="Steps")
            to_recording = gr.Audio(label="...or walk to this clip (upload or record)", sources=["upload", "microphone"],
                                    type="filepath")
            walk_button = gr.Button("Walk from the recording", variant="secondary")
            strip = gr.Image(label="The walk (spectrograms)", type="pil", format="png", interactive=False, height=260)
            with gr.Row():
                walk_sound = gr.Audio(label="The walk, a clip per step", type="numpy", interactive=False)
                wav = gr.DownloadButton("Download the walk (WAV)", variant="secondary")

    encoded = [seen, heard, rebuilt, rebuilt_sound, found]
    inputs = [checkpoint, label, recording]
    walk_inputs = inputs + [to_seed, to_label, steps, to_recording]
    # the walk from the clip the recorder starts with (its handler is given the file's path): the GAN's
    # inversion takes a second
    worked_example_later(functools.partial(walk_example, speaker), walk_inputs, encoded + [strip, walk_sound, wav],
                         "walk_from_recording_example", {recording: said})
    checkpoint.change(class_menus, [checkpoint, label, to_label], [label, to_label], api_visibility="private", preprocess=False)
    wire(button, check, encode, inputs, encoded, api_name="encode_recording", concurrency_limit=2)
    wire(walk_button, check_walk, walk, walk_inputs, encoded + [strip, walk_sound, wav], api_name="walk_from_recording",
         concurrency_limit=2)
