"""Replies to a line of Shakespeare from the conditional VAE (vae-replies): each reply decodes another z
drawn from p(z | line) (Zhao et al. 2017), scored by the lines' evaluator (how Shakespeare-like it reads)
and marked new or seen in the training lines. How well replies fit their line is measured over many lines by
`python -m genapp eval vae-replies` (eval/replies.py): one reply's fit says little, since even a real reply
scores better beside its own line than beside a random one only about 61% of the time under the replies'
scorer (eval-replies)."""
import time
from dataclasses import dataclass

import torch

from .. import hub
from ..card import read_metrics
from ..sampling import sample_replies
from .checks import BadRequest, integer, check_seed
from .names import check_temperature

CHECKPOINT = "vae-replies"
MAX_REPLIES = 20
# lines of the test split's plays (unseen in training), offered to pick from
EXAMPLES = ("When will he be here?", "Content. What is the wager?", "How fares my Kate? What, sweeting, all amort?",
            "Of Mantua.", "He misses not much.", "I thank thee, master.", "Good wombs have borne bad sons.",
            "All lost! to prayers, to prayers! all lost!")


@dataclass
class Replies:
    checkpoint: str
    line: str
    seed: int
    replies: list                 # one per z drawn
    nats_per_char: list           # the lines' evaluator's surprise at each: lower reads more like Shakespeare
    seen: list                    # in the training lines?
    temperature: float = 1.0      # the letter temperature they were drawn at
    ms: float = 0.0               # generating the replies, scoring them aside

    @property
    def distinct(self) -> int:
        return len(set(self.replies))

    @property
    def text(self) -> str:
        return "".join(f"{r}\n" for r in self.replies)


@dataclass(frozen=True)
class RepliesRequest:
    checkpoint: str
    line: str
    n: int
    seed: int
    temperature: float            # the letter temperature: the checkpoint's own unless asked


def available() -> bool:
    """Whether the reply checkpoint is bundled (the Reply panel is shown only then)."""
    return CHECKPOINT in hub.bundled()


def check_reply_count(n) -> int:
    return integer(n, "The number of replies", 1, MAX_REPLIES)


def measured_fit(checkpoint=CHECKPOINT) -> tuple[float, float] | None:
    """From the checkpoint's card: the share of its replies that the scorer finds fit their own line better than
    a random test line, and the same share for the real replies (eval/replies.py); None if not measured."""
    figure = read_metrics(hub.resolve(checkpoint)).get("eval", {}).get("fits_own_line")
    return None if figure is None else (figure["value"], figure["reference"])


def default_temperature(checkpoint=CHECKPOINT) -> float:
    """The letter temperature a reply checkpoint draws at unless asked (its description's sampler)."""
    return hub.describe(checkpoint).sampler["temperature"]


def replies_request(line, n=5, seed=0, checkpoint=CHECKPOINT, temperature=None) -> RepliesRequest:
    """The checked request of reply, or BadRequest."""
    if checkpoint not in hub.bundled() or hub.describe(checkpoint).specimen != "reply":
        raise BadRequest(f"Pick a reply checkpoint: {CHECKPOINT}; {checkpoint!r} is not one.")
    alphabet = hub.describe(checkpoint).alphabet
    if not isinstance(line, str) or not line.strip():
        raise BadRequest(f"Type a {alphabet.unit} to reply to, or pick one.")
    try:
        line = alphabet.check(line)
    except ValueError as e:
        raise BadRequest(f"That {alphabet.unit} can't be read: {e}.") from None
    temperature = default_temperature(checkpoint) if temperature is None else check_temperature(temperature)
    return RepliesRequest(checkpoint, line, check_reply_count(n), check_seed(seed), temperature)


def reply(line, n=5, seed=0, checkpoint=CHECKPOINT, temperature=None) -> Replies:
    """n replies to a line at a letter temperature (None: the checkpoint's own), each scored and marked new or
    seen; BadRequest for a line it can't read."""
    request = replies_request(line, n, seed, checkpoint, temperature)
    checkpoint = request.checkpoint
    t0 = time.perf_counter()
    replies = sample_replies(checkpoint, request.line, request.n, torch.Generator().manual_seed(request.seed),
                             request.temperature)
    ms = (time.perf_counter() - t0) * 1000
    alphabet = hub.describe(checkpoint).alphabet
    lm = hub.load(hub.evaluator("lines"))
    return Replies(checkpoint, request.line, request.seed, replies, lm.scores(replies, alphabet), lm.seen(replies),
                   request.temperature, ms)
