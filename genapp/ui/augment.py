"""Augmentation: does a classifier that has only 100 labelled digits gain from 1,000 generated ones?
Predict, then reveal the figures the command wrote on the cards; or re-run its quick version now."""
import gradio as gr

from ..studio.augment import COMMAND, rerun_augmentation, stored_augmentation
from .common import progress_callback, speaks_errors

HEADERS = ["generator", "100 real only", "100 real + 1,000 generated", "change", "100 real + 1,000 more real"]

QUESTION = """**Predict, then reveal.** A small classifier learns to read digits from only **100 labelled
examples** (10 of each). Now give it **1,000 more digits drawn by a generator**, 100 of each class,
labelled with the class the generator was asked for. Will its accuracy on unseen test digits go up,
go down, or stay put? Which family's digits help most: the VAE's blurry ones, the GAN's sharp ones, or
the RBM's? Write your guess down, then open the reveal."""

CAVEAT = """**What to notice.** Every generator here learned from all 8,000 labelled training digits, so its
samples smuggle in knowledge from far more than 100 digits: the gain measures how much of what a
generator learned a classifier can get back from its samples, not data made from nothing. The last
column is the yardstick: the same 100 digits plus 1,000 more *real* ones. Generated digits that came
close to it would be nearly as good as real data; the gap is what they still miss (Ravuri & Vinyals
2019 call this the classification accuracy score). Sharper is not always more useful: a sample the
classifier learns from must look like its class *and* vary as real digits do."""


def _table(t) -> list:
    return [[r.generator, r.real_only, r.with_generated, f"{r.change:+.3f}", r.more_real] for r in t.rows]


def stored_view():
    t = stored_augmentation()
    if t is None:
        return [], f"Not measured yet: run `{COMMAND}`."
    s = t.settings
    return _table(t), (f"Test accuracy on {s['test_examples']:,} test digits, mean ± standard deviation over "
                       f"{s['seeds']} seeds ({s['steps']} training steps each), printed and written on the cards by\n"
                       f"```\n{t.command}\n```\n({t.seconds:.0f} s on the CPU)")


@speaks_errors
def rerun(progress=gr.Progress()):
    t = rerun_augmentation(progress_callback(progress, "Training classifiers"))
    return gr.Dataframe(_table(t), visible=True), (f"Seed 0 only, run now in {t.seconds:.0f} s by `{t.command}`: on the machine that wrote "
                       "the cards these are exactly seed 0 of the full run (another processor may round its sums "
                       "differently in the last digit).")


def build():
    with gr.Tab("Augmentation", id="augment"):
        gr.Markdown(QUESTION)
        with gr.Accordion("Reveal: the measured answer", open=False):
            rows, note = stored_view()
            gr.Dataframe(rows, headers=HEADERS, interactive=False)
            gr.Markdown(note)
            gr.Markdown(CAVEAT)
        with gr.Row():
            button = gr.Button("Re-run now (1 seed, quick)", variant="secondary", scale=1)
            gr.Markdown("Trains 5 small classifiers on this server's CPU while you watch: under a minute.",
                        scale=3)
        # no empty table before a re-run: the page opens on the question, and the reveal holds the answer
        live = gr.Dataframe(headers=HEADERS, interactive=False, label="Re-run now", visible=False)
        live_note = gr.Markdown()
        button.click(rerun, None, [live, live_note], api_name="augment_quick", concurrency_limit=1)
