"""The seam between models and UI: plain values in (checkpoint names, counts, seeds, labels), plain
values out (PIL pictures, PNG bytes, numbers). Every argument is checked here, so the UI, the API,
the CLI and the benchmarks share one path and one set of messages.

Split by job: checks.py (each value's check and sentence) and, beside each operation, the frozen
request it takes, built once from what was sent; the operations (images, sounds, names, latent*,
collapse, gibbs, copying, uses, ...); render.py (every picture, film and file they make). warm_up for serving.
"""
import os

import torch

from .. import hub
from .checks import (FAMILIES, FAMILY_TITLES, MAX_CLIPS, MAX_GIBBS_STEPS, MAX_IMAGES, MAX_SEED, BadRequest,
                     check_checkpoint, check_clip_count, check_count, check_dataset, check_family, check_label,
                     check_seed, check_steps, checkpoint_dataset, class_choices, family_of, generators, sample_choices,
                     walk_ends)
from .collapse import Coverage, mode_collapse
from .gibbs import GibbsFilm, gibbs_film
from .images import (GRID_SCALE, ImageResult, can_restyle, check_comparison, check_restyle, compare_families,
                     default_gibbs_steps, generate_images, restyle, side_by_side)
from .latent import (MAX_PATH_STEPS, MIN_PATH_STEPS, WalkResult, check_path_steps, check_walk, check_walker, walk,
                     walkers)
from . import clips, collapse, gibbs, limits, latent_map as latent_map_module, latent_point, pictures
from .latent_encode import INVERSION_STEPS, Encoded, check_picture, encode_picture, walk_from_picture
from .latent_map import LatentMap, decode_map_point, latent_map, map_checkpoints, pixel_to_latent
from .latent_names import NamesWalk, check_walk_names, walk_names
from .latent_point import SLIDER_DIMS, Point, PointView, bookmark, decode_point, point_checkpoints, restore, seed_point
from .limits import Cost, chain_checkpoints, compute_costs, inverse_duel, rbm_quality_by_steps
from .names import (MAX_NAMES, TEMPERATURES, NamesResult, check_names_comparison, compare_names, generate_names,
                    kl_per_char, text_datasets)
from .replies import EXAMPLES as REPLY_EXAMPLES, MAX_REPLIES, Replies, check_reply_count, reply
from .sounds import AudioResult, check_sound_comparison, compare_sounds, generate_audio, sounds_zip
from .notes import Melody, compare_notes, generate_notes, melody_request, notes_request, play_melody
from . import replies, tunes


# serving

THREADS = int(os.environ.get("GENAPP_TORCH_THREADS", "1"))


def fix_threads(threads: int | None = None):
    """Make outputs with torch at THREADS threads (GENAPP_TORCH_THREADS; one by default): the app, the
    command line and the golden record alike, since a convolution's sums can round differently at another
    thread count (gan-notes' WAV does at 1 and 2), and the command line gives the same bytes as the UI.
    One thread per request: the main queue's two workers already keep a free Space's two cores busy, and a
    second thread inside each request bought little time and cost its CPU twice over. Each action alone,
    2 threads against 1 (ms of wall time, ms of CPU): a 16-digit grid of all three 46 / 53 ms for 91 / 53 ms
    of CPU; Audio's 2 clips each 78 / 76 for 155 / 76; Instrument notes 79 / 91 for 157 / 91; a melody 70 /
    112 for 140 / 112; 12 names each 61 / 66 for 122 / 66. In the lesson (python -m genapp bench --lesson),
    back to back: server CPU 0.106 -> 0.082 s a request, p50 223 -> 159 ms, p95 575 -> 375 ms."""
    torch.set_num_threads(threads or THREADS)


def warm_up(threads: int | None = None):
    """Load every bundled generator once and fix torch's thread count (fix_threads), before serving."""
    fix_threads(threads)
    for checkpoint in map(hub.describe, hub.bundled()):
        if checkpoint.generates:
            hub.generator(checkpoint.name)                # with a text GAN's autoencoder
            if checkpoint.modality == "text":             # its evaluator marks names new or seen
                hub.load(checkpoint.evaluator)
