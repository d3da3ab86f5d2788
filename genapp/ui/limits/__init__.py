"""The Limits tab: what each family is bad at, measured while you watch. One module per panel: mode
collapse (a class histogram of 1,000 samples), the inverse-mapping duel (one picture, three ways back into
latent space), an RBM's Gibbs chain, the compute cost of every generator beside an RBM's quality per
sweep, and whether a sample copies its training data."""
from ..common import tab_of_sections
from . import collapse, copying, cost, duel, gibbs, quality

SECTIONS = (("Mode collapse", "collapse", collapse.build), ("Inverse mapping duel", "duel", duel.build),
            ("Gibbs chain", "gibbs", gibbs.build), ("Compute cost", "cost", cost.build, quality.build),
            ("Is it copying?", "copying", copying.build))


def build():
    tab_of_sections("Limits", "limits", SECTIONS)
