"""Replies to a line: the pairs as tensors, the conditional VAE and the conditional language model that
scores a reply's fit, the Reply panel's operation and the `reply` command."""
import subprocess
import sys

import pytest
import torch

from conftest import ROOT
from genapp import hub, studio
from genapp.data import DATASETS, lines, load_tensors
from genapp.models.language_model import CharLM
from genapp.models.vae import VAE, kl_divergence

FOLDER = hub.data_folder("replies")
LINE = "When will he be here?"


def test_a_pair_is_the_reply_to_generate_and_the_line_it_answers():
    x, y = load_tensors("replies", FOLDER, "test")
    pairs = lines.read_replies(FOLDER, "test")
    alphabet = DATASETS["replies"].alphabet
    assert x.shape == y.shape == (len(pairs), 64, 66)
    assert alphabet.decode(x[:20]) == [r for _, r in pairs[:20]] and alphabet.decode(y[:20]) == [l for l, _ in pairs[:20]]
    assert "replies" not in studio.text_datasets() and "lines" in studio.text_datasets()   # a panel of its own


def test_a_context_vae_learns_its_prior_from_the_line_and_saves_it(tmp_path):
    torch.manual_seed(0)
    alphabet = DATASETS["replies"].alphabet
    model = VAE(sample_shape=(64, 66), latent_dim=4, num_classes=0, hidden=16, body_type="gru", embed_dim=8,
                label_dim=8, context_shape=(64, 66), text_summary="end")
    x, c = alphabet.rows(["Ay, my lord.", "No."]), alphabet.rows([LINE, "Who is there?"])
    mean, logvar = model.prior(c)
    assert mean.shape == (2, 4) and not torch.allclose(mean[0], mean[1])      # each line its own prior
    loss, rec, kl = model(x, c)
    assert torch.allclose(kl, kl_divergence(*model.posterior(x, c), mean, logvar))
    loss.sum().backward()
    assert model.to_prior[0].weight.grad.abs().sum() > 0                      # the prior network learns with it
    with pytest.raises(AssertionError, match="replies to a context"):
        model.prior(None)
    model.save_pretrained(tmp_path)
    again = VAE.from_pretrained(tmp_path).eval()
    assert torch.allclose(again.prior(c)[0], model.eval().prior(c)[0])


def test_the_conditional_language_model_reads_the_line():
    torch.manual_seed(0)
    alphabet = DATASETS["replies"].alphabet
    lm = CharLM(vocab_size=66, max_length=64, hidden=16, context_length=64).eval()
    replies = ["Ay, my lord.", "No."]
    own, other = lm.text_nats(replies, alphabet, [LINE, LINE]), lm.text_nats(replies, alphabet, ["Who?", "Who?"])
    assert own.shape == (2,) and not torch.allclose(own, other)               # the line changes the score
    per_row = lm(alphabet.rows(replies), alphabet.rows([LINE, LINE])) / torch.tensor([13.0, 4.0])
    assert torch.allclose(own, per_row)
    with pytest.raises(AssertionError, match="conditional"):
        lm(alphabet.rows(replies))


def test_five_replies_differ_are_reproducible_and_scored():
    r = studio.reply(LINE, 5, seed=1)
    assert r.line == LINE and len(r.replies) == 5 and r.distinct >= 4
    assert studio.reply(LINE, 5, seed=1).replies == r.replies                  # the seed decides
    assert studio.reply(LINE, 5, seed=2).replies != r.replies
    assert all((nats is None) == (not text.strip()) for text, nats in zip(r.replies, r.nats_per_char))
    spelled = [(t, n) for t, n in zip(r.replies, r.nats_per_char) if n is not None]
    lm = hub.load(hub.evaluator("lines"))
    assert [round(v, 3) for v in lm.text_nats([t for t, _ in spelled], DATASETS["lines"].alphabet).tolist()] == \
        [n for _, n in spelled]
    assert r.seen == lm.seen(r.replies) and r.ms > 0


@pytest.mark.parametrize("line, n, seed, said", [
    ("", 5, 0, "Type a line to reply to"), ("   ", 5, 0, "Type a line to reply to"),
    ("x" * 100_000, 5, 0, "lines have at most 63 characters"), ("Быть или не быть", 5, 0, "outside the vocabulary"),
    ("Hello {world}", 5, 0, "outside the vocabulary"), (None, 5, 0, "Type a line"),
    (LINE, 0, 0, "number of replies must be from 1 to 20"), (LINE, 21, 0, "from 1 to 20"),
    (LINE, "many", 0, "is not a number"), (LINE, 5, -1, "seed must be from 0"),
])
def test_a_bad_request_gets_a_sentence(line, n, seed, said):
    with pytest.raises(studio.BadRequest, match=said):
        studio.reply(line, n, seed)


def test_the_reply_command_prints_the_panels_replies(tmp_path):
    out = tmp_path / "replies.txt"
    run = subprocess.run([sys.executable, "-m", "genapp", "reply", "vae-replies", "--line", LINE, "--n", "5",
                          "--seed", "1", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    shown = studio.reply(LINE, 5, seed=1)
    assert out.read_text() == shown.text and f"{shown.distinct} distinct of 5 replies" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "genapp", "reply", "--line", ""], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert bad.returncode != 0 and "Type a line to reply to" in bad.stderr
