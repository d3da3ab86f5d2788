"""Rendering: everything the studio draws and writes for people to keep. Tensors in, pictures and
files out: grids of samples, the captioned strip of a walk, films (the one GIF writer, shared by the
latent walks, the Gibbs films and the Watch it train runs), histogram charts, and PNG and WAV files
carrying their provenance (no timestamps: the same arguments give the same bytes)."""
import io
import math

import numpy as np
import soundfile as sf
import torch
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin


PICTURE_SCALE = 8                 # one shown sample's pixels per data pixel (spectrograms, twice as large: 4)
STRIP_SCALE = 3                   # a walk's strip: pixels per data pixel (28-pixel frames; spectrograms: 2)
STRIP_COLUMNS = 8
FILM_SCALE, FILM_MS = 4, 90       # a film's pixels per data pixel, and milliseconds per frame


# pictures

def to_grid(x: torch.Tensor, scale: int = 2, pad: int = 1, columns: int | None = None) -> Image.Image:
    """(N, C, H, W) in [0, 1] -> one PIL picture, `columns` (default ceil(sqrt(N))) columns, each pixel
    scale x scale: greyscale for one channel (white ink on black, as in the data), RGB for three."""
    n, c, h, w = x.shape
    cols = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    pixels = (x.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()  # (N, H, W, C)
    canvas = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, c), 40, np.uint8)
    for i in range(n):
        r, col = divmod(i, cols)
        canvas[pad + r * (h + pad): pad + r * (h + pad) + h, pad + col * (w + pad): pad + col * (w + pad) + w] = pixels[i]
    canvas = canvas.repeat(scale, 0).repeat(scale, 1)
    return Image.fromarray(canvas[..., 0], mode="L") if c == 1 else Image.fromarray(canvas, mode="RGB")


def one_picture(x, modality: str) -> Image.Image:
    """One sample (1, 1, H, W) as a picture to show: a spectrogram with low pitches at the bottom."""
    if modality == "audio":
        return to_grid(x.flip(2), scale=PICTURE_SCALE // 2, pad=0)
    return to_grid(x, scale=PICTURE_SCALE, pad=0)


def captioned_strip(x, names, confidence) -> Image.Image:
    """The steps (N, 1, H, W) in rows of STRIP_COLUMNS, each frame captioned with the evaluator's class
    and its confidence (green: sure, amber: hesitant, red: unsure)."""
    scale = STRIP_SCALE if x.shape[-1] <= 32 else 2                     # spectrograms are 64 wide
    n, side, height = len(x), x.shape[-1] * scale, x.shape[-2] * scale  # (a note's picture is twice as tall)
    cols = min(STRIP_COLUMNS, n)
    rows = -(-n // cols)
    cell_w, cell_h = side + 6, height + 40
    strip = Image.new("RGB", (cols * cell_w + 6, rows * cell_h + 6), (40, 40, 40))
    draw, font = ImageDraw.Draw(strip), ImageFont.load_default(size=13)
    for i in range(n):
        r, c = divmod(i, cols)
        left, top = 6 + c * cell_w, 6 + r * cell_h
        frame = to_grid(x[i:i + 1], scale=scale, pad=0)
        strip.paste(frame.convert("RGB"), (left, top))
        p = confidence[i]
        colour = (120, 220, 120) if p >= 0.9 else (240, 200, 80) if p >= 0.5 else (240, 110, 110)
        caption = f"{i + 1}. {names[i]}"
        while font.getlength(caption) > side and len(caption) > 4:          # as much of the name as fits
            caption = caption[:-1]
        draw.text((left, top + height + 3), caption, fill=(230, 230, 230), font=font)
        draw.text((left, top + height + 19), f"{p:.2f}", fill=colour, font=font)
    return strip


def row(images: list[Image.Image], gap: int = 12) -> Image.Image:
    """Pictures left to right, `gap` white pixels between, top-aligned on white (RGB if any is in colour)."""
    width = sum(image.width for image in images) + gap * (len(images) - 1)
    mode = "L" if all(image.mode == "L" for image in images) else "RGB"
    canvas = Image.new(mode, (width, max(image.height for image in images)), "white")
    x = 0
    for image in images:
        canvas.paste(image, (x, 0))
        x += image.width + gap
    return canvas


def histogram_chart(class_names, shares, data_shares, title, min_share, width=520, height=260) -> Image.Image:
    """Bars of the samples' class shares (red under min_share), with real data's share of each class as
    a black tick."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=12)
    left, top, bottom = 34, 24, height - 34
    top_share = max(0.25, max(shares) * 1.05)
    y = lambda share: bottom - (bottom - top) * share / top_share
    draw.text((left, 4), title, fill="black", font=font)
    for tick in (0, 0.25, 0.5, 0.75, 1.0) if top_share > 0.5 else (0, 0.1, 0.2, 0.3, 0.4, 0.5):
        if tick <= top_share:
            draw.line([(left, y(tick)), (width - 6, y(tick))], fill="#dddddd")
            draw.text((2, y(tick) - 7), f"{tick:.0%}", fill="#555555", font=font)
    slot = (width - left - 6) / len(shares)
    for i, (name, share, real) in enumerate(zip(class_names, shares, data_shares)):
        x0 = left + i * slot + slot * 0.15
        x1 = left + (i + 1) * slot - slot * 0.15
        colour = "#3b7dd8" if share >= min_share else "#d84b3b"
        draw.rectangle([x0, y(share), x1, bottom], fill=colour)
        draw.line([(x0 - 3, y(real)), (x1 + 3, y(real))], fill="black", width=2)
        label = name.split("/")[0].split()[0][:7]                      # "T-shirt/top" -> "T-shirt"
        draw.text(((x0 + x1) / 2, bottom + 4), label, fill="black", font=font, anchor="ma")
    draw.text((left, height - 14), f"bars: the samples' classes (red: under {min_share:.0%})   black ticks: real data",
              fill="#555555", font=font)
    return img


# films

def gif(frames: list[Image.Image], ms: int | list[int], *, optimize: bool = True) -> bytes:
    """An endlessly looping animated GIF of the frames, shown `ms` milliseconds each (or one duration
    per frame). optimize: Pillow's palette optimisation, its default for a GIF; the walks and films turn
    it off (see film), the toy's colour scatters keep it."""
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=ms, loop=0,
                   optimize=optimize)
    return buffer.getvalue()


def film(x, scale: int = FILM_SCALE, ms: int = FILM_MS) -> bytes:
    """Frames (N, C, H, W) in [0, 1] there and back as an endless GIF. optimize=False: Pillow's palette
    optimisation made a 16-step walk's GIF 3x slower to write (14.7 -> 5.2 ms) and larger (vae-mnist
    58.8 -> 49.6 KB, gan-fsdd 319 -> 305 KB), for grey frames that use the whole grey palette anyway."""
    frames = [to_grid(f[None], scale=1, pad=0).resize((f.shape[-1] * scale, f.shape[-2] * scale), Image.NEAREST)
              for f in x]                                                    # grey, or colour
    frames = frames + frames[-2:0:-1]                                      # there and back
    return gif(frames, ms, optimize=False)


# files with their provenance

def png_bytes(image: Image.Image, text: dict[str, str]) -> bytes:
    """PNG with tEXt chunks (key -> value). No timestamps, so the same picture gives the same bytes."""
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, str(value))
    buf = io.BytesIO()
    image.save(buf, format="PNG", pnginfo=info, optimize=False, compress_level=6)
    return buf.getvalue()


def png_text(data: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG."""
    return dict(Image.open(io.BytesIO(data)).text)


def wav_bytes(pcm: np.ndarray, metadata: dict[str, str], sample_rate: int) -> bytes:
    """A 16-bit mono WAV of int16 samples; metadata goes into the RIFF INFO chunk (comment:
    key=value lines; software)."""
    buffer = io.BytesIO()
    with sf.SoundFile(buffer, "w", samplerate=sample_rate, channels=1, format="WAV", subtype="PCM_16") as f:
        f.software = "genapp"
        f.comment = "\n".join(f"{k}={v}" for k, v in metadata.items())
        f.write(pcm)
    return buffer.getvalue()


def wav_metadata(data: bytes) -> dict[str, str]:
    """The key=value pairs that wav_bytes wrote into a WAV's comment."""
    with sf.SoundFile(io.BytesIO(data)) as f:
        comment = f.copy_metadata().get("comment", "")
    return dict(line.split("=", 1) for line in comment.splitlines() if "=" in line)
