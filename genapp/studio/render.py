"""Rendering: what the studio draws and writes for people to keep. For now the one GIF writer, shared
by the latent walks, the Gibbs films and the Watch it train runs."""
import io

from PIL import Image


def gif(frames: list[Image.Image], ms: int | list[int], *, optimize: bool = True) -> bytes:
    """An endlessly looping animated GIF of the frames, shown `ms` milliseconds each (or one duration
    per frame). optimize: Pillow's palette optimisation, its default for a GIF; the walks and films turn
    it off (see studio.latent), the toy's colour scatters keep it."""
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=ms, loop=0,
                   optimize=optimize)
    return buffer.getvalue()
