"""The Text tab: a data set (names, Shakespeare's lines), a family (or all three), how many, a seed and the
VAE's temperature; invented names or lines, each marked new or in the training data. Below, the Reply
panel: a line typed or picked, replies from the conditional VAE, each scored and marked new or seen."""
import gradio as gr

from .. import studio
from ..data import DATASETS
from .common import MAIN_QUEUE, download_file, progress_callback, speaks_errors, wire, worked_example_later

FAMILIES = [("VAE", "vae"), ("GAN", "gan"), ("RBM", "rbm"), ("All three side by side", "all")]
COLOURS = {"new": "#2e7d32", "in the training data": "#9e9e9e"}


def what_to_notice() -> str:
    kl = studio.kl_per_char()
    kl_text = "not measured yet" if kl is None else f"{kl:.2f} nats per character"
    lines_kl = studio.kl_per_char("vae-lines") if "vae-lines" in studio.generators("text") else None
    lines_text = "" if lines_kl is None else f"; it now keeps {lines_kl:.2f} nats per character, a line's gist"
    return f"""
**Is it just copying?** Each name is looked up among the 26,777 training names (by fingerprint):
green ones are **new**, grey ones are **in the training data**. Even held-out real names are 15% "in
the training data", because the list repeats names given to both boys and girls.

**Why text is hard for a GAN.** A GAN learns by asking its discriminator "how should this output change
to look more real?", a gradient. Letters are discrete: there is no "a little more like an e", so no
gradient reaches the choice of a letter. This GAN goes round it (as Donahue & Rumshisky 2018 and ARAE
did): an autoencoder first learns to squeeze names into 32 numbers and spell them back, then the GAN
learns to make those 32 numbers, which are continuous. The autoencoder's decoder spells them out.

**Why a text VAE can ignore its latent code.** The VAE's decoder reads the letters so far, and for
names that is almost enough to guess the next one; the KL term charges it for every nat it stores in
z, so it learns to store little: *posterior collapse* (Bowman et al. 2016). This checkpoint was trained
with KL annealing and word dropout to fight that, and still keeps only **{kl_text}** in z. Its names
come mostly from its letter-by-letter decoder; the temperature sharpens (low) or flattens (high) each
letter's choice. The lines VAE kept even less (0.04 nats per character) until it was retrained with *free
bits* (Kingma et al. 2016): each of z's 32 numbers is charged as if it held at least half a nat, so storing
nothing saves nothing{lines_text}.

**The RBM** has one softmax of 28 symbols per position and no notion of "next letter": it changes all
16 positions at once, Gibbs sweep after sweep, so its names are less name-like (and slower to make).

**Shakespeare's lines** are four times longer than a name, with capitals and punctuation: 66 symbols at each
of 64 positions. The VAE's decoder writes a line character by character and gets the look of the verse
(its lines score almost as well as real lines under the evaluator, a language model of the training lines);
the RBM, guessing all 64 characters at once, gets letters in the right places but rarely words.
"""


@speaks_errors
def check(family, n, seed, temperature, steps, dataset="names"):
    studio.check_names_comparison(family, n, seed, temperature, steps, dataset)


def highlighted(result) -> list:
    return [(name or "(empty)", "in the training data" if seen else "new")
            for name, seen in zip(result.names, result.seen)]


@speaks_errors
def generate(family, n, seed, temperature, steps, dataset="names", progress=None):
    results = studio.compare_names(family, n, seed, temperature, steps, dataset,
                                   None if progress is None else progress_callback(progress, "Gibbs sampling (RBM)"))
    by_family = {studio.family_of(r.checkpoint): r for r in results}
    outputs = []
    for f in studio.FAMILIES:
        r = by_family.get(f)
        missing = " · none for this data set yet" if r is None and family in ("all", f) else ""
        outputs.append(gr.update(value=None if r is None else highlighted(r),
                                 label=f"{f.upper()}" + (missing if r is None else
                                                         f" · {r.novelty:.0%} new · {r.ms:.0f} ms")))
    listing = "".join(f"# {r.checkpoint}, seed {seed}\n{r.text}" for r in results)
    return *outputs, download_file(listing.encode(), f"{dataset}-{family}-seed{seed}.txt")


REPLY_HEADERS = ["Reply", "Reads like Shakespeare (nats/char, lower: more)", "New or seen"]


def reply_note() -> str:
    fit = studio.replies.measured_fit()
    answers = "" if fit is None else (
        f" The replies' scorer (`eval-replies`, a dual encoder) finds a real reply fits its own line better than a "
        f"random line {fit[1]:.0%} of the time, and this model's replies {fit[0]:.0%} (half would be chance): from "
        "6,000 pairs it learns how replies sound more than what they answer.")
    return ("**A reply is a draw, not an answer.** The conditional VAE reads the line, and its prior network says "
            "where in latent space replies to *this* line lie; each reply decodes another point drawn from there, "
            "so the same line gets different replies (Zhao et al. 2017). **Temperature**: each letter is drawn from "
            "the decoder's probabilities sharpened (below 1) or flattened (above): at 1 more words come out "
            "misspelt, far below it the commonest words come back again and again. **Reads like Shakespeare**: the lines' evaluator's nats per "
            "character (real lines score about 1.5). **Does it answer the line?** A little." + answers +
            " Try the same seed on two lines: the replies start alike.")


@speaks_errors
def check_reply(line, n, seed, temperature=None):
    studio.replies.replies_request(line, n, seed, temperature=temperature)


@speaks_errors
def reply(line, n, seed, temperature=None):
    r = studio.reply(line, n, seed, temperature=temperature)
    rows = [[text or "(ends at once)", nats, "seen" if seen else "new"]
            for text, nats, seen in zip(r.replies, r.nats_per_char, r.seen)]
    caption = (f"**{r.distinct} distinct** of {len(r.replies)} replies to *{r.line}* · temperature "
               f"{r.temperature:g} · {sum(not s for s in r.seen)} new · {r.ms:.0f} ms")
    return rows, caption


def build_replies():
    if not studio.replies.available():
        return
    gr.Markdown("### Reply to a line\nType a line, or pick one from the plays the models never saw, and get "
                "replies from `vae-replies`, a conditional VAE.")
    with gr.Row():
        with gr.Column(scale=1, min_width=300):
            line = gr.Dropdown(list(studio.REPLY_EXAMPLES), value=studio.REPLY_EXAMPLES[0], allow_custom_value=True,
                               label="The line", info="pick one, or type your own (at most 63 characters)")
            n = gr.Slider(1, studio.MAX_REPLIES, value=5, step=1, label="How many replies")
            seed = gr.Number(0, precision=0, minimum=0, label="Reply seed")
            temperature = gr.Slider(*studio.TEMPERATURES, value=studio.replies.default_temperature(), step=0.05,
                                    label="Letter temperature", info="the model's own is "
                                    f"{studio.replies.default_temperature():g}: the replies read about as "
                                    "fluently as real ones there")
            button = gr.Button("Reply", variant="primary")
        with gr.Column(scale=2):
            caption = gr.Markdown()
            table = gr.Dataframe(headers=REPLY_HEADERS, interactive=False, wrap=True, label="Replies")
            gr.Markdown(reply_note())
    inputs = [line, n, seed, temperature]
    wire(button, check_reply, reply, inputs, [table, caption], api_name="reply", preprocess=False, **MAIN_QUEUE)
    worked_example_later(reply, inputs, [table, caption], "reply_example")


def build():
    dataset = studio.checkpoint_dataset(studio.generators("text")[0])   # the tab's one data set
    with gr.Tab("Text", id="text"):
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                dataset_choice = gr.Radio([(DATASETS[d].title, d) for d in studio.text_datasets()], value="names",
                                          label="Data set")
                family = gr.Radio(FAMILIES, value="all", label="Family")
                n = gr.Slider(1, studio.MAX_NAMES, value=12, step=1, label="How many")
                seed = gr.Number(0, precision=0, minimum=0, label="Seed")
                temperature = gr.Slider(*studio.TEMPERATURES, value=1.0, step=0.05, label="VAE temperature",
                                        info="below 1: safer, commoner names; above 1: wilder ones")
                steps = gr.Slider(1, studio.MAX_GIBBS_STEPS, value=studio.default_gibbs_steps(dataset), step=1,
                                  label="RBM Gibbs steps")
                button = gr.Button("Generate", variant="primary")
                with gr.Accordion("What to notice", open=False):
                    gr.Markdown(what_to_notice())
            inputs = [family, n, seed, temperature, steps, dataset_choice]
            with gr.Column(scale=2):
                with gr.Row():
                    slots = [gr.HighlightedText(color_map=COLOURS, combine_adjacent=False, show_legend=True,
                                                interactive=False, label=f.upper())
                             for f in studio.FAMILIES]
                download = gr.DownloadButton("Download them (.txt)", variant="secondary")

        wire(button, check, generate, inputs, [*slots, download], api_name="generate_text", preprocess=False,
             **MAIN_QUEUE)
        worked_example_later(generate, inputs, [*slots, download], "generate_text_example")
        build_replies()
