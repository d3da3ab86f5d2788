"""Predict, then reveal, pooled: the questions the tabs ask, as a room's polls. A student in a room answers
one before its reveal; the reveal then shows what was measured, and the teacher sees the class's answers
beside it. Each measured answer comes from a command's figures: read from the cards where a command wrote
them there (mode collapse: eval's precision and recall; augmentation: the augment command's table), else
the figures the tab's own reveal quotes, with the command that printed them."""
from dataclasses import dataclass

from .. import hub
from ..card import read_metrics
from . import augment
from .checks import BadRequest, one_of


@dataclass(frozen=True)
class Measured:
    answer: str                   # the choice the measurement says
    said: str                     # the figures, and the command that printed them


@dataclass(frozen=True)
class Poll:
    name: str
    tab: str                      # where the question is asked and revealed
    question: str
    choices: tuple
    measured: object              # () -> Measured


def _collapse() -> Measured:
    m = read_metrics(hub.resolve("gan-mnist-collapsed")).get("eval", {})
    p, r = m["precision"], m["recall"]
    low = [name for name, v in (("precision", p), ("recall", r)) if v["value"] < 0.5 * v["reference"]]
    answer = low[0] if len(low) == 1 else ("both" if low else "neither")
    return Measured(answer, f"gan-mnist-collapsed: precision {p['value']:.3f} (real data {p['reference']:.3f}), "
                            f"recall {r['value']:.3f} (real data {r['reference']:.3f}), printed by "
                            "`python -m genapp eval gan-mnist-collapsed`.")


def _augment() -> Measured:
    table = augment.stored_augmentation()
    if table is None:
        raise BadRequest(f"The augmentation figures are not measured yet: run `{augment.COMMAND}`.")
    best = max(table.rows, key=lambda r: r.change)
    answer = hub.describe(best.generator).family.upper() if best.change > 0 else "none of them"
    changes = ", ".join(f"{r.generator} {r.change:+.3f}" for r in table.rows)
    return Measured(answer, f"Change in test accuracy with 1,000 generated digits: {changes}, printed by `{table.command}`.")


def _quoted(answer: str, said: str):
    return lambda: Measured(answer, said)


POLLS = {p.name: p for p in [
    Poll("collapse", "Limits: mode collapse",
         "A GAN collapsed onto two kinds of digit, each sample sharp. Which score gives it away?",
         ("precision", "recall", "both", "neither"), _collapse),
    Poll("augment", "Augmentation",
         "A classifier has 100 real digits. Whose 1,000 generated digits raise its test accuracy most?",
         ("VAE", "GAN", "RBM", "none of them"), _augment),
    Poll("denoise", "Uses: denoising",
         "Gaussian noise σ = 0.2 (about 17 dB). Will the VAE not told the noise raise the PSNR, or lower it?",
         ("raise it", "lower it"),
         _quoted("lower it", "Mean PSNR of 200 MNIST test digits: noisy 16.8 dB, VAE not told 13.7 dB, told 22.2 dB "
                             "(`python -m genapp uses denoise`).")),
    Poll("compress", "Uses: compression",
         "A VAE's code, each latent number cut to B bits: from how many bits on do more stop helping?",
         ("1", "2", "4", "8"),
         _quoted("4", "Mean PSNR of 200 MNIST test digits: 14.8 dB at 1 bit, 17.4 at 2, 20.1 at 4, 20.7 at 8 and "
                      "unquantised (`python -m genapp uses compress`).")),
    Poll("inpaint", "Uses: inpainting",
         "Which is harder to fill in: the bottom half of a digit, or a random half of its pixels?",
         ("the bottom half", "a random half"),
         _quoted("the bottom half", "Mean squared error on the covered pixels (200 MNIST test digits, the RBM): "
                                    "bottom half 0.056, random half 0.014 (`python -m genapp uses inpaint`).")),
    Poll("gibbs", "Limits: Gibbs chains",
         "An RBM's chains run at temperature 2 instead of 1. Its digits...",
         ("get sharper", "dissolve into noise", "stay the same"),
         _quoted("dissolve into noise", "rbm-mnist, 200 chains clamped to 3, after 200 sweeps: at temperature 2 none "
                                        "is still recognised as a 3; at 0.5, 86% are (the Gibbs chain panel).")),
    Poll("toy", "Watch it train",
         "A vanilla GAN and a PacGAN train on the ring. Which curve tells you which covers more modes?",
         ("D's loss", "G's loss", "neither"),
         _quoted("neither", "After 2,000 steps on the ring both runs' D and G losses look alike while PacGAN covers "
                            "more modes: the modes-covered count and the picture tell (Watch it train's worked example).")),
]}


def poll(name) -> Poll:
    return POLLS[one_of(name, list(POLLS), "a question")]


def choice(p: Poll, answer) -> str:
    return one_of(answer, list(p.choices), f"one of the answers to \"{p.question}\"")
