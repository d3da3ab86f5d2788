"""A person's picture (a drawing, an uploaded photo or scan of any size, colour or format) turned
into what an image checkpoint takes: for the grey data sets a 28 x 28 picture, ink white on black,
centred as in MNIST (the digit's box scaled to 20 pixels, its centre of mass in the middle; LeCun et
al. 1998); for emoji a 32 x 32 colour picture on white, cropped to its ink and centred with a margin,
as data/emoji.py draws the emoji."""
import io

import numpy as np
import torch
from PIL import Image, ImageDraw, UnidentifiedImageError

from .checks import MAX_UPLOAD_BYTES, BadRequest

MAX_PIXELS = 25_000_000
INK = 30                          # grey level above which a pixel counts as ink (after inverting)


def open_picture(picture) -> Image.Image:
    """bytes of an image file, a PIL image, or an (H, W[, C]) uint8 array -> a PIL image."""
    if isinstance(picture, Image.Image):
        return picture
    if isinstance(picture, np.ndarray):
        if picture.ndim not in (2, 3) or picture.size == 0:
            raise BadRequest("That is not a picture: expected rows and columns of pixels.")
        return Image.fromarray(picture.astype(np.uint8))
    if isinstance(picture, (bytes, bytearray)):
        if len(picture) > MAX_UPLOAD_BYTES:
            raise BadRequest(f"That file is {len(picture) / 1e6:.0f} MB; pictures up to "
                             f"{MAX_UPLOAD_BYTES // 1_000_000} MB are accepted.")
        try:
            image = Image.open(io.BytesIO(picture))
            if image.width * image.height > MAX_PIXELS:
                raise BadRequest(f"That picture has {image.width} x {image.height} pixels; at most "
                                 f"{MAX_PIXELS // 1_000_000} million are accepted.")
            image.load()
            return image
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            raise BadRequest("That file is not a picture Pillow can read (PNG, JPEG, WebP, GIF, BMP...).") from None
    raise BadRequest("Draw a digit or upload a picture first.")


def on_white(image: Image.Image) -> Image.Image:
    """The picture as RGB, its transparent parts white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return image.convert("RGB")


def to_model_input(picture, shape: tuple = (1, 28, 28)) -> torch.Tensor:
    """Any picture -> (1, *shape) in [0, 1]: shape (1, 28, 28) grey as MNIST (to_grey_input) or
    (3, H, W) colour as the emoji (to_colour_input). An empty picture is refused."""
    image = on_white(open_picture(picture))
    return to_colour_input(image, shape) if shape[0] == 3 else to_grey_input(image)


def to_colour_input(image: Image.Image, shape: tuple) -> torch.Tensor:
    """RGB on white -> (1, 3, H, W): cropped to the pixels that are not white and centred on white as an
    emoji is drawn (data.emoji.centred)."""
    from ..data.emoji import centred
    rgb = np.asarray(image)
    ink = (255 - rgb.astype(np.int16)).max(2) > INK
    if ink.sum() < 3:
        raise BadRequest("The picture is blank: upload a picture with something on it first.")
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    small = centred(image.crop((cols[0], rows[0], cols[-1] + 1, rows[-1] + 1)), (shape[2], shape[1]))
    return torch.from_numpy(small.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0).contiguous()


def to_grey_input(image: Image.Image) -> torch.Tensor:
    """RGB -> (1, 1, 28, 28) in [0, 1]. A light background (a drawing, a scan) is inverted to
    ink-on-black."""
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    if np.median(grey) > 127:                                   # light background: dark ink
        grey = 255 - grey
    ink = grey > INK
    if ink.sum() < 3 or grey.max() - grey.min() < INK:
        raise BadRequest("The picture is blank: draw a digit (or upload one) first.")
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    box = grey[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = box.shape
    scale = 20 / max(h, w)
    small = Image.fromarray(box.clip(0, 255).astype(np.uint8)).resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.LANCZOS)
    canvas = np.zeros((28, 28), np.float32)
    arr = np.asarray(small, dtype=np.float32)
    total = arr.sum()
    cy, cx = ((np.arange(arr.shape[0])[:, None] * arr).sum() / total, (np.arange(arr.shape[1]) * arr).sum() / total)
    top, left = int(round(14 - cy)), int(round(14 - cx))
    top, left = min(max(top, 0), 28 - arr.shape[0]), min(max(left, 0), 28 - arr.shape[1])
    canvas[top:top + arr.shape[0], left:left + arr.shape[1]] = arr
    peak = canvas.max()
    return torch.from_numpy(canvas / peak).view(1, 1, 28, 28)


def example_drawing() -> Image.Image:
    """A 7 as a student draws one on the sketchpad: two strokes of its 18-pixel black brush on its
    280 x 280 white canvas. The tabs that take a drawing open on this one (drawn here: no data ships)."""
    picture = Image.new("RGB", (280, 280), "white")
    ImageDraw.Draw(picture).line([(72, 74), (206, 66), (122, 226)], fill="black", width=18, joint="curve")
    return picture
