"""The Latent space tab's "one point by hand" section: a seed's point of a VAE's or GAN's latent space
(pictures, sound or names), its first dimensions on sliders, the output following them, and
bookmarks to save and reopen."""
import gradio as gr

from ... import studio
from ..common import download_file, first_of, kept, props, speaks_errors, worked_example
from ..links import lesson_link

RANGE = 4.0


def slider_updates(z):
    return [gr.update(value=z[i], visible=True) if i < len(z) else gr.update(visible=False)
            for i in range(studio.SLIDER_DIMS)]


def _show(point):
    view = studio.decode_point(point.checkpoint, point.z, point.label)
    saved = download_file(studio.bookmark(point), f"{point.checkpoint}-point.json")
    note = (f"**{view.name or '(empty)'}**  \n" if view.name is not None else "") + f"Decoded in {view.ms:.1f} ms."
    return view.picture, view.sound, note, point.z, saved


@speaks_errors
def from_seed(checkpoint, seed, label):
    point = studio.seed_point(checkpoint, seed, label)
    picture, sound, note, z, saved = _show(point)
    return picture, sound, note, z, saved, *slider_updates(z)


@speaks_errors
def move(checkpoint, label, z, *values):
    z = list(z or [])
    z[:len(values)] = values[:len(z)]
    point = studio.Point(checkpoint, z, label or "")
    return _show(point)


@speaks_errors
def open_bookmark(path):
    if path is None:
        raise studio.BadRequest("Choose a bookmark file (.json) saved with 'Save point'.")
    with open(path, "rb") as f:
        data = f.read(studio.latent_point.MAX_BOOKMARK_BYTES + 1)
    point = studio.restore(data)
    picture, sound, note, z, saved = _show(point)
    return (gr.Dropdown(value=point.checkpoint), class_menu(point.checkpoint, point.label), picture, sound,
            f"Restored from the bookmark. {note}", z, saved, *slider_updates(z))


@speaks_errors
def class_menu(checkpoint, value=None):
    """The classes of the checkpoint's data set (hidden for names, which have none)."""
    choices = studio.class_choices(studio.checkpoint_dataset(checkpoint))[1:]
    if not choices:
        return gr.Dropdown(choices=[""], value="", visible=False)
    return kept(gr.update(choices=choices, value=choices[min(7, len(choices) - 1)], visible=True), value)


def build():
    checkpoints = studio.point_checkpoints()
    first = first_of(checkpoints, "vae")           # a VAE: its latent is where its training put the data
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            checkpoint = gr.Dropdown(checkpoints, value=first, label="Checkpoint (VAE or GAN)")
            with gr.Row():
                seed = gr.Number(3, precision=0, minimum=0, label="Seed")
                label = gr.Dropdown(studio.class_choices(studio.checkpoint_dataset(first))[1:], value="7", label="Class")
            start = gr.Button("Start from this seed", variant="primary")
            bookmark_in = gr.File(label="Open a bookmark (.json)", file_types=[".json"], type="filepath")
        inputs = [checkpoint, seed, label]
        picture_first, sound_first, note_first, z_first, saved, *sliders_first = worked_example(from_seed, inputs)
        with gr.Column(scale=1, min_width=260):
            sliders = [gr.Slider(-RANGE, RANGE, step=0.05, label=f"z[{i}]", **props(update))
                       for i, update in enumerate(sliders_first)]
        with gr.Column(scale=1, min_width=240):
            picture = gr.Image(picture_first, label="The point's picture (sound: its spectrogram)", type="pil",
                               format="png", interactive=False, height=240)
            sound = gr.Audio(sound_first, label="The point's clip", type="numpy", interactive=False,
                             visible=sound_first is not None)
            note = gr.Markdown(note_first)
            save = gr.DownloadButton("Save point (JSON bookmark)", value=saved, variant="secondary")
    z = gr.State(z_first)

    checkpoint.change(class_menu, [checkpoint, label], label, api_visibility="private", preprocess=False)
    checkpoint.change(lambda name: gr.Audio(visible=name in studio.generators("audio")), checkpoint, sound,
                      api_visibility="private", preprocess=False)        # a player only for sound checkpoints
    checkpoint.change(lambda name: gr.Image(visible=name not in studio.generators("text")), checkpoint, picture,
                      api_visibility="private", preprocess=False)        # a text's point is its text, no picture
    start.click(from_seed, inputs, [picture, sound, note, z, save, *sliders],
                api_name="seed_point", preprocess=False)
    lesson_link("seed_point", start, inputs, [picture, sound, note, z, save, *sliders], from_seed)
    for s in sliders:   # every move decodes once; a newer move replaces a pending one
        s.input(move, [checkpoint, label, z, *sliders], [picture, sound, note, z, save], api_name=False,
                show_progress="hidden", trigger_mode="always_last", preprocess=False)
    bookmark_in.upload(open_bookmark, bookmark_in, [checkpoint, label, picture, sound, note, z, save, *sliders],
                       api_name="restore_bookmark")
