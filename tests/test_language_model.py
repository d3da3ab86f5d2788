import math
import random

import torch

from genapp.data import text
from genapp.data.text import NAMES
from genapp.models.language_model import CharLM
from genapp.train import lm
from genapp.train.loop import Split, seed_generator
from genapp.train.recipes import Recipe


def tiny(**kw):
    torch.manual_seed(0)
    return CharLM(embed_dim=4, hidden=8, **kw).eval()


def syllable_names(n, seed):
    """Made-up names of one to three consonant-vowel syllables: structure a model can learn fast."""
    rng = random.Random(seed)
    return ["".join(rng.choice("bdkmrst") + rng.choice("aeiou") for _ in range(rng.randint(1, 3))) for _ in range(n)]


def test_nll_sums_minus_log_softmax_over_letters_and_end_only():
    model, names = tiny(), ["ab", "zoe", "q"]
    x = NAMES.one_hot(NAMES.encode(names))
    with torch.no_grad():
        log_p = model.logits(x).log_softmax(-1)
        nll = model(x)
    for i, name in enumerate(names):
        targets = [NAMES.vocabulary.index(c) for c in name] + [text.END_ID]   # letters, then '.'
        expected = -sum(log_p[i, t, s].item() for t, s in enumerate(targets))
        assert math.isclose(nll[i].item(), expected, rel_tol=1e-5)
    # whatever follows the end symbol is ignored
    scrambled = x.clone()
    scrambled[:, 4:] = NAMES.one_hot(torch.randint(NAMES.vocab_size, (3, NAMES.max_length - 4), generator=seed_generator(1)))
    with torch.no_grad():
        torch.testing.assert_close(model(scrambled), nll)
    # nats per character divide the total by letters + end symbols
    assert math.isclose(model.nll_per_char(names, NAMES), nll.sum().item() / 9, rel_tol=1e-5)


def test_logits_are_causal():
    model, x = tiny(), NAMES.one_hot(NAMES.encode(["abcdef"]))
    changed = x.clone()
    changed[0, 3] = NAMES.one_hot(torch.tensor(NAMES.vocabulary.index("z")))
    with torch.no_grad():
        a, b = model.logits(x), model.logits(changed)
    torch.testing.assert_close(a[:, :4], b[:, :4])        # position t sees only the symbols before t
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_a_row_without_end_symbol_counts_every_position():
    model, x = tiny(), NAMES.one_hot(NAMES.encode(["abcdefghijklmno"]))   # 15 letters and '.' fill the row
    x[0, -1] = NAMES.one_hot(torch.tensor(NAMES.vocabulary.index("p")))
    with torch.no_grad():
        log_p = model.logits(x).log_softmax(-1)
        expected = -log_p[0].gather(1, x[0].argmax(-1, keepdim=True)).sum()
        torch.testing.assert_close(model(x)[0], expected)


def test_training_beats_the_uniform_distribution():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)          # a net this small gains nothing from threads, and on a busy machine loses much
    try:
        train_tiny()
    finally:
        torch.set_num_threads(threads)


def train_tiny():
    torch.manual_seed(0)
    train, val, test = syllable_names(200, 0), syllable_names(50, 1), syllable_names(100, 2)
    x, x_val = NAMES.one_hot(NAMES.encode(train)), NAMES.one_hot(NAMES.encode(val))
    split = Split(x, torch.zeros(len(x), dtype=torch.long), x_val, torch.zeros(len(x_val), dtype=torch.long))
    recipe = Recipe("eval-test", "lm", "names", dict(embed_dim=8, hidden=32), steps=300, batch_size=32, lr=1e-2,
                    eval_every=100)
    models, metrics = lm.fit(recipe, split, "cpu", seed_generator(0), recipe.steps)
    model = models[""]
    # uniform over the 26 letters and '.' is log 27 = 3.30; each symbol here has ~5-7 choices
    assert model.nll_per_char(test, NAMES) < 2.2 < math.log(27)
    assert metrics["validation_nats_per_char"] < 2.2
    assert all(model.seen(train + val)) and model.config.num_training_names == len(set(train + val))


def test_seen_survives_save_and_load(tmp_path):
    names = ["emma", "olivia", "ava", "zoe"]
    model = tiny().remember(names + ["emma"])                  # duplicates are stored once
    assert model.config.num_training_names == 4 and model.training_hashes.dtype == torch.long
    model.save_pretrained(tmp_path, safe_serialization=True)
    loaded = CharLM.from_pretrained(tmp_path, use_safetensors=True, low_cpu_mem_usage=False)
    assert loaded.seen(["ava", "emma", "bob", "zoe", "olivias", "ada"]) == [True, True, False, True, False, False]
    torch.testing.assert_close(loaded.training_hashes, model.training_hashes)
    x = NAMES.one_hot(NAMES.encode(names))
    with torch.no_grad():
        torch.testing.assert_close(loaded.eval()(x), model(x))
    assert tiny().seen(["emma"]) == [False]                     # no training names remembered
