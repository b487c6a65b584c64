"""Zero-edit on a conditional GAN: G(z, y) and D(x, y) told from the calls the script made (gananim.record.script.detect
notes each call's second tensor input), the classes counted, and the real batch's labels taken beside its images.

A label is the second positional tensor: class indices (n,) (what nn.Embedding takes) or one-hot rows (n, K). Anything
else, or a label given to only one of the pair, is one line saying what was seen and how to record the run instead.
"""

from __future__ import annotations

from torch import nn

from gananim.errors import GananimError
from gananim.record.labels import Labels
from gananim.record.script.detect import CallGraph

HOW = (
    "zero-edit finds conditional pairs whose label is the second positional argument, G(z, y) and D(x, y), as class "
    "indices (n,) or one-hot rows (n, K); otherwise record in the script with "
    "gananim.Recorder(..., conditional=gananim.Labels(K), labels=...)"
)


def conditional_pair(graph: CallGraph, G: nn.Module, D: nn.Module, data_given: bool):
    """(Labels, the real batch's labels (n,) long, G's latent shape as called, what was inferred, for the manifest)
    for a pair called with labels, Nones for a plain pair; a one-line GananimError where the calls do not make one."""
    g, d = graph.labels.get(id(G)), graph.labels.get(id(D))
    if g is None and d is None:
        return None, None, None, None
    for who, seen in (("generator", g), ("discriminator", d)):
        if seen is not None and seen[0] == "other":
            raise GananimError(f"the {who} takes a second input that is not a class label ({seen[1]}); {HOW}")
    if g is None or d is None:
        who = "generator" if g is not None else "discriminator"
        raise GananimError(f"only the {who} was called with a class label (one passed by keyword is not seen); {HOW}")
    if g[0] != d[0]:
        raise GananimError(
            f"the generator takes its label as {_said(g[0])} but the discriminator as {_said(d[0])}; {HOW}"
        )
    if data_given:
        raise GananimError(
            "a conditional pair's real samples are scored given their labels: drop --data, zero-edit takes the "
            "real batches D is shown, with their labels"
        )
    real_y = graph.real_label_batches(D)
    if real_y is None:
        raise GananimError(f"the discriminator was shown real batches without their labels; {HOW}")
    k = g[1] if g[0] == "one_hot" else max(g[1], d[1], int(real_y.max()) + 1, *_embedding_rows(G))
    labels = Labels(max(k, 2), one_hot=g[0] == "one_hot")
    said = f"G(z, y) and D(x, y), y {_said(g[0])} of {labels.n_classes} classes"
    return labels, real_y, graph.first_shape.get(id(G)), said


def _embedding_rows(G: nn.Module) -> list[int]:
    """A generator's first nn.Embedding's row count: its classes, where its label goes through one."""
    return [m.num_embeddings for m in G.modules() if isinstance(m, nn.Embedding)][:1]


def _said(kind: str) -> str:
    return "class indices" if kind == "index" else "one-hot rows"


def label_hint(e: GananimError) -> GananimError:
    """The Recorder's refusal of an unannounced conditional G, said for zero-edit (which passes no conditional=)."""
    if "conditional=gananim.Labels" not in str(e):
        return e
    return GananimError(
        f"the generator needs more than a latent, and no class label was seen in its calls (one passed by keyword is "
        f"not seen); {HOW}"
    )


__all__ = ["HOW", "conditional_pair", "label_hint"]
