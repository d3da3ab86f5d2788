"""One measured figure as `eval` prints it and a card stores it, and the progress bar of a long estimate."""
import sys

from tqdm.auto import tqdm


def metric(name, value, digits=4, *, reference=None, anchor=None, tolerance=None, spread=None, **extra):
    """One measured figure. tolerance: how far `eval --quick` may land from it (rounding, unless the
    quick run estimates it from less data)."""
    record = {"name": name, "value": round(float(value), digits) if digits else int(round(float(value)))}
    if reference is not None:
        record["reference"] = round(float(reference), digits)
    if anchor:
        record["anchor"] = anchor
    if spread is not None:
        record["spread"] = round(float(spread), digits)
    record["tolerance"] = round(tolerance, digits) if tolerance is not None else 2 * 10.0 ** -digits
    return record | extra


def progress(desc, total):
    return tqdm(total=total, desc=desc, leave=False, file=sys.stderr, mininterval=0.5)
