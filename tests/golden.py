"""What every checkpoint gives for fixed arguments, as sha256 digests: the golden record that a change of
the code's shape (not of its behaviour) must leave byte for byte the same.

    python -m tests.golden > tests/golden.json      # re-record, only when behaviour is meant to change
    python -m tests.golden --merge tests/golden.json > new.json   # add this machine's digests (see below)

The same code gives other bytes on another kind of CPU where sums are long (an FFT, a GAN's inversion, a
convolution's algorithm): AVX-512 rounds them differently. So a case keeps the digest of each kind of CPU
it was recorded on, and a fingerprint of its numbers (each picture's, array's and sound's 16 block means
and its largest magnitude): on a CPU of another kind the case must still match the fingerprint to within
FINGERPRINT_TOLERANCE of each figure's size (the same output rounded otherwise), which a change of
behaviour does not.

Each case calls the studio as the UI, the API and the command line do; a result's timings are left out."""
import dataclasses
import hashlib
import io
import json
import sys

import numpy as np
import torch
from PIL import Image

from genapp import studio

SKIPPED = {"ms", "seconds", "title"}       # timings, and titles that print them
FINGERPRINT_TOLERANCE = 1e-3                # relative (of max(1, |figure|)); thread counts alone move them 1e-6
BLOCKS = 16


def digest(value) -> str:
    """sha256 of a result: its bytes, pictures' pixels, arrays, numbers and text, timings left out."""
    h = hashlib.sha256()

    def feed(v):
        if dataclasses.is_dataclass(v):
            for f in dataclasses.fields(v):
                if f.name not in SKIPPED:
                    h.update(f.name.encode())
                    feed(getattr(v, f.name))
        elif isinstance(v, (bytes, bytearray)):
            h.update(bytes(v))
        elif isinstance(v, Image.Image):
            h.update(f"{v.mode}{v.size}".encode() + v.tobytes())
        elif isinstance(v, torch.Tensor):
            feed(v.detach().numpy())
        elif isinstance(v, np.ndarray):
            h.update(f"{v.dtype}{v.shape}".encode() + np.ascontiguousarray(v).tobytes())
        elif isinstance(v, dict):
            for k in sorted(v):
                h.update(str(k).encode())
                feed(v[k])
        elif isinstance(v, (list, tuple)):
            h.update(b"[")
            for item in v:
                feed(item)
            h.update(b"]")
        else:
            h.update(repr(v).encode())
    feed(value)
    return h.hexdigest()


def fingerprint(value) -> dict:
    """{path: figures} of a result's numbers: for each picture (in [0, 1]), array, sound (a WAV's samples)
    and number, the means of BLOCKS equal blocks of its values and its largest magnitude, rounded."""
    out = {}

    def add(path, a):
        a = np.asarray(a, dtype=np.float64).ravel()
        if a.size:
            blocks = [float(b.mean()) for b in np.array_split(a, min(BLOCKS, a.size))]
            out[path] = [round(x, 7) for x in blocks + [float(np.abs(a).max())]]

    def walk(v, path):
        if dataclasses.is_dataclass(v):
            for f in dataclasses.fields(v):
                if f.name not in SKIPPED:
                    walk(getattr(v, f.name), f"{path}.{f.name}")
        elif isinstance(v, (bytes, bytearray)):
            if bytes(v[:4]) == b"RIFF":
                import soundfile
                add(path, soundfile.read(io.BytesIO(bytes(v)))[0])
            elif bytes(v[:4]) == b"\x89PNG":
                walk(Image.open(io.BytesIO(bytes(v))), path)
        elif isinstance(v, Image.Image):
            add(path, np.asarray(v.convert("RGB"), dtype=np.float64) / 255)
        elif isinstance(v, torch.Tensor):
            add(path, v.detach().double().numpy())
        elif isinstance(v, np.ndarray) and v.dtype.kind in "fiub":
            add(path, v)
        elif isinstance(v, dict):
            for k in sorted(v):
                walk(v[k], f"{path}{{{k}}}")
        elif isinstance(v, (list, tuple)):
            for i, item in enumerate(v):
                walk(item, f"{path}[{i}]")
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            add(path, [v])
    walk(value, "")
    return out


def close(found: dict, recorded: dict) -> bool:
    """Whether two fingerprints hold the same paths and figures within FINGERPRINT_TOLERANCE."""
    return found.keys() == recorded.keys() and all(
        len(found[k]) == len(recorded[k]) and
        all(abs(a - b) <= FINGERPRINT_TOLERANCE * max(1.0, abs(b)) for a, b in zip(found[k], recorded[k]))
        for k in recorded)


def drawing() -> bytes:
    """A fixed picture to place in latent space: the studio's example drawing as PNG."""
    buffer = io.BytesIO()
    studio.pictures.example_drawing().save(buffer, "PNG")
    return buffer.getvalue()


def cases():
    """(case name, a function computing its result): every generator of every family and modality,
    every walker, every encoder, the latent map and points, and the Limits and Uses panels."""
    for name in studio.generators("image", variants=True):
        yield f"image {name}", lambda n=name: studio.generate_images(n, 16, 7, "any")
    for name in studio.generators("audio"):
        yield f"audio {name}", lambda n=name: studio.generate_audio(n, 2, 7, "any")
    for name in studio.generators("text"):
        yield f"text {name}", lambda n=name: studio.generate_names(n, 10, 7)
    yield "image all mnist label 3", lambda: studio.compare_families("mnist", "all", 8, 3, "3")
    for name in studio.walkers():
        yield f"walk {name}", lambda n=name: studio.walk(n, 1, 2, 6, False, "any", "any")
    for name in studio.generators("text"):
        yield f"walk names {name}", lambda n=name: studio.walk_names(n, 1, 2, 5, True)
    for name in studio.generators("image"):
        if not name.startswith("rbm-"):
            yield f"encode {name}", lambda n=name: studio.encode_picture(n, drawing(), "any", 40)
    for name in studio.map_checkpoints():
        yield f"map {name}", lambda n=name: (studio.latent_map(n), studio.decode_map_point(n, 0.5, -1.0))
    for name in studio.point_checkpoints():
        yield f"point {name}", lambda n=name: studio.decode_point(n, studio.seed_point(n, 4).z, studio.seed_point(n, 4).label or None)
    yield "gibbs mnist", lambda: studio.gibbs_film("mnist", "3", 0, 20)
    yield "collapse", lambda: studio.mode_collapse("gan-mnist-collapsed", 0, 200)
    yield "rbm quality", lambda: [row[:2] for row in studio.rbm_quality_by_steps("rbm-mnist", 0)]   # not its ms
    from genapp.studio import compress, denoise, inpaint
    yield "denoise", lambda: denoise.denoise("mnist", "gaussian", 0.3, 0, "any")
    yield "compress", lambda: compress.compress("mnist", 0, "any")
    yield "inpaint", lambda: inpaint.inpaint("mnist", "bottom", 0, "any", sweeps=20)


def record(merge: dict | None = None) -> dict:
    """{case: {"sha256": [digests], "fingerprint": ...}}: this machine's; with `merge` (an earlier record),
    also its digests of each case whose fingerprint this machine still matches (another CPU's bytes)."""
    studio.fix_threads()                  # the app's thread count: its bytes, and the command line's
    out = {}
    for case, run in cases():
        result = run()
        found, earlier = fingerprint(result), (merge or {}).get(case, {})
        kept = earlier.get("sha256", []) if earlier and close(found, earlier["fingerprint"]) else []
        out[case] = {"sha256": sorted(set(kept) | {digest(result)}), "fingerprint": found}
    return out


if __name__ == "__main__":
    earlier = json.loads(open(sys.argv[2]).read()) if sys.argv[1:2] == ["--merge"] else None
    json.dump(record(earlier), sys.stdout, indent=1)
    print()
