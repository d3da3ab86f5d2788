"""Instrument notes: rendered from the soundfont, seen as log-frequency pictures, labelled by instrument
and pitch; notes and melodies from the CLI and the studio, byte for byte; every refusal a sentence."""
import io
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
import torch

from conftest import ROOT
from genapp import studio
from genapp.data import DATASETS, notes
from genapp.models.classifier import FactoredHead
from genapp.models.nets import factor_values
from genapp.studio.render import wav_metadata

SOUNDFONT = notes.Path(notes.DEFAULT_DIR) / notes.SOUNDFONT
needs_soundfont = pytest.mark.skipif(not SOUNDFONT.is_file(), reason="no FluidR3 Mono soundfont in "
                                     f"{notes.DEFAULT_DIR} (the README's test command installs it)")


def test_a_class_is_an_instrument_and_a_pitch():
    data = DATASETS["notes"]
    assert len(data.class_names) == 370 and data.class_names[notes.class_index("brass", "C4")] == "brass C4"
    labels = torch.arange(370)
    family, pitch = factor_values(labels, (10, 37))
    assert [data.class_names[i] for i in labels] == [f"{list(notes.FAMILIES)[f]} {notes.PITCHES[p]}"
                                                     for f, p in zip(family, pitch)]
    assert data.class_names[36] == "piano C6" and data.class_names[37] == "mallets C3"
    assert family[37].item() == 1 and pitch[37].item() == 0 and pitch[36].item() == 36


def test_the_factored_head_gives_a_distribution_over_the_joint_classes():
    head = FactoredHead(8, (10, 37))
    h = torch.randn(5, 8)
    joint = head(h)
    assert joint.shape == (5, 370) and torch.allclose(joint.logsumexp(1), torch.zeros(5), atol=1e-5)
    family = head.heads[0](h).log_softmax(1)
    assert torch.allclose(joint.view(5, 10, 37).logsumexp(2), family, atol=1e-5)   # the family's marginal


def test_a_factored_label_vector_is_a_family_s_plus_a_pitch_s_and_mixes_like_a_table():
    from genapp.models.nets import FactoredEmbedding, embed_labels
    e = FactoredEmbedding((10, 37), 4)
    y = torch.tensor([0, 40, 369])
    family, pitch = factor_values(y, (10, 37))
    assert torch.allclose(e(y), e.tables[0](family) + e.tables[1](pitch))
    assert e.weight.shape == (370, 4) and torch.allclose(e.weight[y], e(y))
    halfway = 0.5 * torch.nn.functional.one_hot(y[:2], 370).float().sum(0, keepdim=True)   # between two classes
    assert torch.allclose(embed_labels(e, halfway), e(y[:2]).mean(0, keepdim=True), atol=1e-6)



def test_the_gan_discriminator_projects_a_factored_label_and_learns_to_name_each_factor():
    from genapp.models.gan import Discriminator
    from genapp.train.gan import cross_entropy
    torch.manual_seed(0)
    D = Discriminator(sample_shape=(1, 8, 8), num_classes=6, channels=(4, 8), hidden=16, label_factors=(2, 3),
                      auxiliary=True)
    x, y = torch.rand(12, 1, 8, 8), torch.arange(12) % 6
    x[:, :, :4] += (factor_values(y, (2, 3))[1] == 1).float()[:, None, None, None]   # pitch 1: bright top half
    family, pitch = factor_values(y, (2, 3))
    D.eval()                                           # spectral norm's power iteration holds still
    score, logits = D(x, y, with_logits=True)
    assert torch.equal(score, D(x, y)) and [l.shape for l in logits] == [(12, 2), (12, 3)]
    h = D.features(x * 2 - 1)                          # the projection: one vector per family plus one per pitch
    expected = D.score(h).squeeze(1) + ((D.projection[0](family) + D.projection[1](pitch)) * h).sum(1)
    assert torch.allclose(score, expected, atol=1e-5)
    D.train()
    opt = torch.optim.Adam(D.parameters(), lr=1e-2)
    first = cross_entropy(logits, [family, pitch]).item()
    for _ in range(50):
        loss = cross_entropy(D(x, y, with_logits=True)[1], [family, pitch])
        opt.zero_grad(); loss.backward(); opt.step()
    assert loss.item() < 0.5 * first

def test_a_pitch_is_a_row_an_octave_up_is_about_seventeen_rows_up():
    t = torch.arange(notes.NOTES.clip_samples) / notes.NOTES.sample_rate
    tone = lambda hz: (0.5 * torch.sin(2 * torch.pi * hz * t))[None]
    rows = [int(notes.NOTES.spectrogram(tone(hz))[0, 0].mean(1).argmax()) for hz in (261.63, 523.25, 1046.5)]
    assert [b - a for a, b in zip(rows, rows[1:])] in ([17, 16], [17, 17], [16, 17])   # 128 bands over 7.6 octaves
    assert notes.NOTES.shape == (1, 128, 64)


@needs_soundfont
def test_rendering_is_deterministic_and_each_note_is_peak_normalised():
    a = notes.render(notes.DEFAULT_DIR, [0, 56], [60, 72], [80])
    b = notes.render(notes.DEFAULT_DIR, [0, 56], [60, 72], [80])
    assert a.shape == (4, 16000) and np.array_equal(a, b)
    assert np.allclose(np.abs(a).max(1), notes.NOTES.peak)
    assert np.abs(a[:, 15000:]).max() < np.abs(a[:, :2000]).max()    # let go at 0.75 s: the note dies away


@needs_soundfont
def test_the_test_split_is_every_program_and_pitch_at_the_held_out_velocity():
    waves, labels = DATASETS["notes"].read(notes.DEFAULT_DIR, "test")
    assert waves.shape == (2960, 16000) and torch.equal(torch.bincount(labels), torch.full((370,), 8))


def test_pitch_names_are_checked_and_normalised():
    assert studio.notes.note_label("brass", "Db4") == "brass C#4"
    for instrument, pitch, words in [("brass", "H9", "not a note name"), ("brass", "C7", "outside the pitches"),
                                     ("kazoo", "C4", "Pick an instrument"), ("brass", None, "not a note name")]:
        with pytest.raises(studio.BadRequest, match=words):
            studio.notes.note_label(instrument, pitch)


def test_generate_notes_gives_the_same_wav_from_the_cli_and_the_studio(tmp_path):
    out = tmp_path / "n.wav"
    subprocess.run([sys.executable, "-m", "genapp", "generate", "gan-notes", "--n", "2", "--seed", "1", "--pitch", "C4",
                    "--instrument", "brass", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    result = studio.generate_notes("gan-notes", "brass", "C4", n=2, seed=1)
    assert out.read_bytes() == result.wav
    meta = wav_metadata(result.wav)
    c = notes.class_index("brass", "C4")
    assert meta["label"] == "brass C4" and meta["labels"] == f"{c} {c}"
    pcm, rate = sf.read(io.BytesIO(result.wav), dtype="int16")
    assert rate == 16000 and len(pcm) == 2 * 16000 + int(0.1 * 16000)


def test_the_app_s_wav_download_is_the_cli_s_bytes(client, tmp_path):
    out = tmp_path / "n.wav"                      # the app computes at its own thread count; so does the CLI
    subprocess.run([sys.executable, "-m", "genapp", "generate", "gan-notes", "--n", "2", "--seed", "1", "--pitch", "C4",
                    "--instrument", "brass", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    *_, download = client.predict("gan", "brass", "C4", 2, 1, 100, api_name="/generate_notes")
    assert download.endswith(".wav") and open(download, "rb").read() == out.read_bytes()


def test_a_melody_from_the_cli_is_the_studio_s_and_lasts_its_beats(tmp_path):
    out = tmp_path / "tune.wav"
    args = ["--tune", "C4 E4 G4 C5:2", "--instrument", "strings", "--to-instrument", "brass", "--seed", "1",
            "--bpm", "120"]
    subprocess.run([sys.executable, "-m", "genapp", "melody", "gan-notes", *args, "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    m = studio.play_melody("gan-notes", "C4 E4 G4 C5:2", "strings", "brass", seed=1, bpm=120)
    assert out.read_bytes() == m.wav
    assert len(m.pcm) == 5 * 0.5 * 16000                              # five beats at 120 per minute
    meta = wav_metadata(m.wav)
    assert meta["tune"] == "C4 E4 G4 C5:2" and meta["to_instrument"] == "brass"
    assert m.piano_roll.getpixel((5, 5)) and m.spectrograms.size[0] > 4 * 128


@pytest.mark.parametrize("name", ["vae-notes", "gan-notes", "rbm-notes"])
def test_the_same_instrument_holds_the_timbre_and_the_label_moves_the_pitch(name):
    """Every note of a melody comes from one point of latent space: two notes an octave apart differ by
    their label alone, and the same pitch twice gives the same note."""
    m = studio.play_melody(name, "C4 C4 C5", "organ", None, seed=2, bpm=60)
    second = m.pcm[16000:32000].astype(float)
    first = m.pcm[:16000].astype(float)
    assert np.array_equal(first, second) and not np.array_equal(first, m.pcm[32000:].astype(float))


@pytest.mark.parametrize("tune, words", [("", "Type a tune"), ("H9", "not a note name"), ("C4 " * 10_000, "at most 64"),
                                         ("R R", "at least one note"), ("C9", "above the highest")])
def test_a_bad_tune_gets_a_sentence(tune, words):
    with pytest.raises(studio.BadRequest, match=words):
        studio.play_melody("gan-notes", tune, "piano")


def test_only_a_notes_checkpoint_plays_a_melody():
    with pytest.raises(studio.BadRequest, match="did not learn instrument notes"):
        studio.play_melody("gan-fsdd", "C4", "piano")


def test_a_walk_between_two_instruments_at_one_pitch_is_a_timbre_morph_that_holds_the_pitch():
    start, end = studio.walk_ends("gan-notes")
    assert (start, end) == ("brass C4", "strings C4")          # what the Latent space tab's walk opens on
    r = studio.walk("gan-notes", 1, 1, 6, True, start, end)
    assert r.recognised[0] == start and r.recognised[-1] == end
    assert all(name.endswith(" C4") for name in r.recognised)    # the instrument changes, the pitch stays
    assert len(r.clips) == 6 and len(r.pcm) >= sum(len(c) for c in r.clips)   # one WAV of the whole morph,
    assert np.array_equal(r.pcm[:len(r.clips[0])], r.clips[0])                 # a note per step
