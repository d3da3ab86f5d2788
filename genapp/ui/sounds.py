"""What the Audio tab's sections share: the family menu, and one player and spectrogram per family."""
import gradio as gr

from .. import studio
from .common import download_file

FAMILIES = [("VAE", "vae"), ("GAN", "gan"), ("RBM", "rbm"), ("All three side by side", "all")]


def family_outputs(results, name: str) -> tuple:
    """Each family's (clips, spectrograms), None where it was not asked for, and the download: one WAV,
    or a zip of one per family."""
    by_family = {studio.family_of(r.checkpoint): r for r in results}
    outputs = []
    for f in studio.FAMILIES:
        r = by_family.get(f)
        outputs += [None if r is None else (r.sample_rate, r.pcm), None if r is None else r.spectrograms]
    return *outputs, download_file(studio.sounds_zip(results), name + (".wav" if len(results) == 1 else ".zip"))


def count_seed_steps(what: str, dataset: str) -> tuple:
    """How many clips, the seed and the RBM's Gibbs steps: the controls of every section that samples."""
    n = gr.Slider(1, studio.MAX_CLIPS, value=2, step=1, label=f"How many {what}")
    seed = gr.Number(0, precision=0, minimum=0, label="Seed")
    steps = gr.Slider(1, studio.MAX_GIBBS_STEPS, value=studio.default_gibbs_steps(dataset), step=1,
                      label="RBM Gibbs steps")
    return n, seed, steps


def family_column(what: str) -> tuple:
    """The outputs' column: a player and spectrograms per family, and the download."""
    with gr.Column(scale=2):
        slots = family_slots([None] * 6, what)
        download = gr.DownloadButton("Download WAV", variant="secondary")
    return slots, download


def family_slots(shown, what: str) -> list:
    """An audio player and a spectrogram picture per family, opened on the worked example `shown`."""
    slots = []
    for (title, f), clips, spectrograms in zip(FAMILIES[:3], shown[0::2], shown[1::2]):
        with gr.Row():
            slots.append(gr.Audio(clips, label=f"{title}: {what} in a row", type="numpy", interactive=False, scale=1))
            slots.append(gr.Image(spectrograms, label=f"{title}: spectrograms (time across, pitch up)",
                                  type="pil", format="png", interactive=False, scale=2, height=180))
    return slots
