"""Is it copying? A generated picture, clip or name set beside its nearest training examples, with the
distance to each, and the yardstick that gives a distance its meaning: how near real *test* examples,
which no model has seen, come to the training set (Theis et al. 2016, "A note on the evaluation of
generative models", sec. 3.1: nearest neighbours in pixels).

The sample is the one the other tabs draw with the same checkpoint, seed, class and count (their own
drawing functions are called), so a student can check the very picture they saw.

Distances. Pictures and sounds: L2 in pixels (a 28 x 28 grey or 32 x 32 colour picture in [0, 1]; a
clip's 64 x 64 log-mel picture), not in the evaluator's feature space: a copy is the same ink (or loudness) in the same
places, while two features are near when two digits are merely of the same kind (every neat 7 sits
near every other), which is likeness, not copying; and the evaluator took 5-10 s per 4,000 pictures on
two (shared) cores, so a minute or more for Fashion-MNIST's 60,000, where the pixel search is one
matrix product (2 ms for MNIST's 8,000, 36 ms for Fashion-MNIST's 60,000).
Names: Levenshtein's edit distance (letters inserted, deleted or changed), with eval-names' own
"in the training data" mark beside it.

The training data never ships with the app. It is read from a local folder, or, where
GENAPP_HUB_REPO_PREFIX is set (as on the Space), downloaded from the Hub dataset repo that
`python -m genapp publish --datasets` made, on the first request that needs it (genapp/hub.py,
data_folder). Where neither has it, every request gets a sentence saying where the app looked.
"""
import functools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .. import hub
from ..data import DATASETS, load_tensors, pictures_of
from .checks import (BadRequest, integer, check_clip_count, check_count, check_label, check_seed,
                     check_steps, checkpoint_dataset, generators)
from .names import NamesRequest, check_name_count, check_temperature, run_names
from .render import to_grid
from .samples import SampleRequest, draw, request_of

MAX_NEIGHBOURS = 8
YARDSTICK_SEED = 0
TAB_COUNTS = {"image": 16, "audio": 2, "text": 12}          # what each tab draws when not told otherwise
SCALE = {"image": 5, "audio": 2}                            # display pixels per pixel


@dataclass
class Neighbour:
    index: int                    # its place in the training split
    distance: float
    label: str                    # its class name ('' for names)
    picture: Image.Image | None = None     # a picture, or a clip's log-mel picture (low pitches at the bottom)
    name: str = ""


@dataclass
class Yardstick:
    """Nearest-training-example distances of real test examples: the scale a sample's distance is read on."""
    examples: int
    median: float
    low: float                    # 5th percentile: only 1 real unseen example in 20 comes this close
    closer: float                 # share of those test examples nearer the training set than the sample
    as_close: float               # share at most as far (differs from `closer` on ties: edit distances)
    at_zero: float                # share of test examples found in the training set itself (duplicates)


@dataclass
class CopyCheck:
    checkpoint: str
    modality: str                 # image | audio | text
    seed: int
    position: int                 # 1 = the first sample the tab drew
    label: str                    # the sample's class name ('' for names)
    measure: str                  # what the distances are, in words
    neighbours: list
    yardstick: Yardstick
    picture: Image.Image | None = None     # the sample (a picture, or a clip's log-mel picture)
    clip: tuple | None = None              # (sample rate, int16) of the sample; audio only
    neighbour_clips: tuple | None = None   # the neighbours' real recordings in a row, nearest first
    name: str = ""
    seen: bool | None = None               # the evaluator's mark: the sample is a training text
    ms: float = 0.0
    unit: str = "name"                     # text: what one sample is (a name, a line)

    @property
    def distance(self) -> float:
        return self.neighbours[0].distance

    @property
    def verdict(self) -> str:
        """One sentence a student can read: is the sample nearer the training set than real unseen data?"""
        d, ys, nearest = self.distance, self.yardstick, self.neighbours[0]
        what = {"image": "picture", "audio": "clip", "text": self.unit}[self.modality]
        real = f"real unseen {what}s"
        if d <= 1e-6:
            if self.modality == "text":
                repeats = ": the list repeats names" if self.unit == "name" else ""
                symbol = "letter" if self.unit == "name" else "character"
                return (f"'{self.name}' is a training {what}, copied {symbol} for {symbol} (as are {ys.at_zero:.0%} of "
                        f"{real}{repeats}).")
            return f"An exact copy of training example #{nearest.index}."
        if ys.as_close < 0.05:
            return (f"A near-copy: only {ys.as_close:.0%} of {real} come this close to a training example. "
                    f"Compare it with #{nearest.index}.")
        if d <= ys.median:
            return (f"Within the range of real data: {ys.as_close:.0%} of {real} come at least this close to a "
                    f"training example. No sign of copying, just a typical {what}.")
        return f"Farther from the training data than {ys.closer:.0%} of {real} are: new, not copied."


# the training data (never shipped): folders, loading, caching

def data_folder(dataset: str, progress=None) -> Path:
    """The folder of a data set's files (downloaded from the Hub on first use where so configured), or a
    BadRequest saying where the app looked. progress(done, total) hears a download's bytes."""
    try:
        return hub.data_folder(dataset, progress)
    except hub.DataUnavailable as e:
        raise missing_data(dataset, str(e)) from None


def missing_data(dataset: str, looked: Path | str) -> BadRequest:
    """The refusal when a data set's training files are not on this server: where the app looked (a
    folder, or what the Hub said) and the three ways to give it them."""
    where = f"looked in {looked}" if isinstance(looked, Path) else looked
    subfolders = ", ".join(f"{d.subfolder}/" for d in DATASETS.values())
    return BadRequest(
        f"The {DATASETS[dataset].title} training data is not on this server ({where}), and the app never ships "
        f"it. To look for nearest training examples, put the data set in that folder, set {hub.DATA_DIR_ENV} to a "
        f"folder holding {subfolders} or set {hub.PREFIX_ENV} to the owner/prefix of the dataset repos that "
        f"`python -m genapp publish --datasets` made.")


@dataclass
class Pixels:
    """A picture or sound data set flattened for the nearest-neighbour search."""
    x: torch.Tensor               # (N, C, H, W) in [0, 1]: the training split as the nets see it
    flat: torch.Tensor            # (N, D) float32
    sq_norms: torch.Tensor        # (N,) |x|², for |a - b|² = |a|² + |b|² - 2ab
    labels: torch.Tensor          # (N,)
    waves: torch.Tensor | None    # (N, samples) int16: the real recordings (sound only)
    test_distances: np.ndarray    # (M,) sorted: each test example's distance to its nearest training example


@dataclass
class Names:
    """A text data set's training texts (names or lines) laid out for edit distances."""
    names: list
    ids: np.ndarray               # (max symbols, N) int8 symbol ids, -1 past the end (one row per position:
                                  # the edit-distance table walks positions, each a contiguous row)
    lengths: np.ndarray           # (N,)
    test_distances: np.ndarray    # (M,) sorted edit distances of test texts to their nearest training text
    symbols: str                  # the alphabet's symbols, whose places the ids are


def _search(data: Pixels, queries: torch.Tensor, k: int):
    """(distances (Q, k) float64, indices (Q, k)) of the k nearest training examples by L2, nearest first.
    One float32 matrix product finds the candidates; their distances are recomputed directly in
    float64, so that a copy comes out exactly 0 (|a|² + |b|² - 2ab loses ~1e-3 to cancellation)."""
    q = queries.flatten(1).float()                                     # (Q, D)
    approx = data.sq_norms[None] - 2 * q @ data.flat.T                  # (Q, N), |q|² left out: same order
    candidates = approx.topk(min(4 * k, len(data.flat)), dim=1, largest=False).indices   # (Q, 4k)
    exact = (q.double()[:, None] - data.flat[candidates].double()).norm(dim=2)             # (Q, 4k)
    order = exact.argsort(dim=1)[:, :k]
    return exact.gather(1, order).numpy(), candidates.gather(1, order).numpy()


@functools.cache
def _pixels(dataset: str, folder: Path) -> Pixels:
    try:
        if DATASETS[dataset].modality == "audio":
            waves, labels = DATASETS[dataset].read(folder, "train")
            x, x_test = pictures_of(DATASETS[dataset].sound, waves), load_tensors(dataset, folder, "test")[0]
            waves = (waves.clamp(-1, 1) * 32767).round().short()              # as pcm16 plays them: half the memory
        else:
            (x, labels), x_test = load_tensors(dataset, folder, "train"), load_tensors(dataset, folder, "test")[0]
            waves = None
    except (OSError, AssertionError, ImportError):   # no folder, no file, no recordings, no renderer
        raise missing_data(dataset, folder) from None
    flat = x.flatten(1).contiguous()
    data = Pixels(x, flat, flat.pow(2).sum(1), labels, waves, np.zeros(0))
    pick = torch.randperm(len(x_test), generator=torch.Generator().manual_seed(YARDSTICK_SEED))
    test = x_test[pick[:DATASETS[dataset].yardstick]]
    data.test_distances = np.sort(np.concatenate([_search(data, test[i:i + 500], 1)[0][:, 0]
                                                  for i in range(0, len(test), 500)]))
    return data


def edit_distances(name: str, data: Names) -> np.ndarray:
    """Levenshtein distance (insertions, deletions, substitutions, each 1) from `name` to every training
    name at once: Wagner & Fischer's table, one row per letter of `name`, each row vectorised over the
    N names. (N,) int."""
    width, n = data.ids.shape
    row = np.repeat(np.arange(width + 1, dtype=np.int16)[:, None], n, 1)   # (width + 1, N): j deletions
    for i, c in enumerate(name, 1):
        keep = np.minimum(row[:-1] + (data.ids != data.symbols.index(c)), row[1:] + 1)   # change or delete
        new = np.empty_like(row)
        new[0] = i
        for j in range(1, width + 1):                                     # insertions run along the row
            np.minimum(keep[j - 1], new[j - 1] + 1, out=new[j])
        row = new
    return row[data.lengths, np.arange(n)].astype(int)


@functools.cache
def _names(folder: Path, dataset: str) -> Names:
    data_set = DATASETS[dataset]
    try:
        names, test = data_set.read(folder, "train"), data_set.read(folder, "test")
    except OSError:
        raise missing_data(dataset, folder) from None
    symbols = data_set.alphabet.symbols
    ids = np.full((data_set.alphabet.max_symbols, len(names)), -1, np.int8)
    for i, n in enumerate(names):
        ids[:len(n), i] = [symbols.index(c) for c in n]
    data = Names(names, ids, np.array([len(n) for n in names]), np.zeros(0), symbols)
    pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(YARDSTICK_SEED))
    data.test_distances = np.sort([edit_distances(test[i], data).min() for i in pick[:DATASETS[dataset].yardstick].tolist()])
    return data


def _yardstick(test_distances: np.ndarray, d: float) -> Yardstick:
    return Yardstick(len(test_distances), float(np.median(test_distances)), float(np.quantile(test_distances, 0.05)),
                     float((test_distances < d - 1e-9).mean()), float((test_distances <= d + 1e-9).mean()),
                     float((test_distances <= 1e-9).mean()))


# checks

def check_position(position, n) -> int:
    return integer(position, "The sample's position", 1, n)


def check_neighbours(k) -> int:
    return integer(k, "The number of neighbours", 1, MAX_NEIGHBOURS)


def checkpoint_modality(checkpoint) -> str:
    """The modality of any generator checkpoint, or a BadRequest naming them all."""
    for modality in ("image", "audio", "text"):
        if checkpoint in generators(modality):
            return modality
    try:
        hub.resolve(hub.check_name(checkpoint))       # an unknown name gets its own sentence
    except hub.UnknownCheckpoint as e:
        raise BadRequest(str(e)) from None
    raise BadRequest(f"{checkpoint} is not a generator; pick one of "
                     f"{', '.join(n for m in ('image', 'audio', 'text') for n in generators(m))}.")


# the panel's one request

@dataclass(frozen=True)
class CopyRequest:
    """The panel's request, checked: which sample (the draw's own request and its position) and how
    many neighbours."""
    modality: str
    dataset: str
    position: int                 # 1 = the first sample the tab drew
    k: int
    draw: SampleRequest | NamesRequest     # the very request the Image, Audio or Text tab ran


def copy_request(checkpoint, seed=0, label="any", position=1, n=None, k=5, steps=None,
                 temperature=1.0) -> CopyRequest:
    """The checked request of nearest_training, or BadRequest."""
    modality = checkpoint_modality(checkpoint)
    dataset = checkpoint_dataset(checkpoint)
    n = TAB_COUNTS[modality] if n is None else {"image": check_count, "audio": check_clip_count,
                                                "text": check_name_count}[modality](n)
    seed, position, k, steps = check_seed(seed), check_position(position, n), check_neighbours(k), check_steps(steps)
    if modality == "text":
        drawn = NamesRequest((checkpoint,), n, seed, check_temperature(temperature), steps)
    else:
        drawn = request_of((checkpoint,), n, seed, check_label(label, DATASETS[dataset].class_names), steps)
    return CopyRequest(modality, dataset, position, k, drawn)


def check_nearest_training(checkpoint, seed=0, label="any", position=1, n=None, k=5, steps=None,
                           temperature=1.0) -> tuple:
    """Every check of nearest_training, without drawing: (modality, dataset, seed, position, n, k, steps)."""
    r = copy_request(checkpoint, seed, label, position, n, k, steps, temperature)
    return r.modality, r.dataset, r.draw.seed, r.position, r.draw.n, r.k, r.draw.steps


def nearest_training(checkpoint, seed=0, label="any", position=1, n=None, k=5, steps=None,
                     temperature=1.0, progress=None) -> CopyCheck:
    """The `position`-th of the n samples that the Image, Audio or Text tab draws with (checkpoint, seed,
    label, steps[, temperature]), its k nearest training examples, and the yardstick of real test examples.
    n defaults to the tab's own default count. The same arguments give the same answer. progress(done,
    total) hears the training data's download, the first time it is fetched from the Hub."""
    request = copy_request(checkpoint, seed, label, position, n, k, steps, temperature)
    t0 = time.perf_counter()
    folder = data_folder(request.dataset, progress)
    result = (_check_name if request.modality == "text" else _check_pixels)(request, folder)
    result.ms = (time.perf_counter() - t0) * 1000
    return result


def _check_pixels(request: CopyRequest, folder) -> CopyCheck:
    modality, dataset, position, k, drawn = request.modality, request.dataset, request.position, request.k, request.draw
    checkpoint = drawn.checkpoints[0]
    class_names = DATASETS[dataset].class_names
    data = _pixels(dataset, folder)                        # before sampling: a missing folder is said at once
    x, labels, _ = draw(checkpoint, drawn)
    sample = x[position - 1:position].contiguous()                         # (1, C, H, W) in [0, 1]
    distances, indices = _search(data, sample, k)
    show = (lambda p: to_grid(p.flip(2), scale=SCALE[modality])) if modality == "audio" else \
           (lambda p: to_grid(p, scale=SCALE[modality]))                  # sound: low pitches at the bottom
    neighbours = [Neighbour(int(i), float(d), class_names[int(data.labels[i])], show(data.x[i:i + 1]))
                  for d, i in zip(distances[0], indices[0])]
    clip = neighbour_clips = None
    if modality == "audio":
        sound = DATASETS[dataset].sound
        clip = (sound.sample_rate, sound.pcm16(sound.waveform(sample)))
        neighbour_clips = (sound.sample_rate, sound.pcm16(data.waves[torch.from_numpy(indices[0])] / 32767, gap=0.4))
    colour = " RGB" if sample.shape[1] == 3 else ""
    measure = (f"pixel L2 distance over {' x '.join(map(str, sample.shape[2:]))}{colour} pixels in [0, 1]"
               if modality == "image" else
               f"L2 distance between spectrogram pictures, {' x '.join(map(str, sample.shape[2:]))} values in [0, 1]")
    return CopyCheck(checkpoint, modality, drawn.seed, position, class_names[int(labels[position - 1])], measure,
                     neighbours, _yardstick(data.test_distances, neighbours[0].distance), picture=show(sample),
                     clip=clip, neighbour_clips=neighbour_clips)


def _check_name(request: CopyRequest, folder) -> CopyCheck:
    position, seed, checkpoint = request.position, request.draw.seed, request.draw.checkpoints[0]
    data = _names(folder, request.dataset)
    drawn = run_names(request.draw)[0]
    name, seen = drawn.names[position - 1], drawn.seen[position - 1]
    alphabet = DATASETS[request.dataset].alphabet
    if not name:
        raise BadRequest(f"Sample {position} of seed {seed} is empty (the model ended the {alphabet.unit} before its "
                         f"first {alphabet.symbol_word}); pick another.")
    distances = edit_distances(name, data)
    nearest = np.lexsort((np.arange(len(distances)), distances))[:request.k]       # by distance, then file order
    neighbours = [Neighbour(int(i), float(distances[i]), "", name=data.names[i]) for i in nearest]
    return CopyCheck(checkpoint, "text", seed, position, "",
                     f"edit distance: {alphabet.symbol_word}s inserted, deleted or changed", neighbours,
                     _yardstick(data.test_distances, neighbours[0].distance), name=name, seen=seen, unit=alphabet.unit)
