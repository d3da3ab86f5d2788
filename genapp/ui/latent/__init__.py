"""The Latent space tab: one sub-tab per way into a model's latent space, each section in its own module."""
from ..common import tab_of_sections
from . import clip, map2d, names, picture, point, walk

SECTIONS = (("Walk between two seeds", "walk", walk.build), ("From a picture", "picture", picture.build),
            ("From a recording", "recording", clip.build), ("Names", "names", names.build),
            ("One point by hand", "point", point.build), ("2-D latent map", "map", map2d.build))


def build():
    tab_of_sections("Latent space", "latent", SECTIONS)
