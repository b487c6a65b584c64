"""Which game a loop plays, read from a loss's autograd graph between the loss and D's outputs (zero-edit, Lightning).

A loss's graph says what was done to D's scores before they became the loss: the operations on the paths from the
loss down to D's output nodes. A classifier's game puts a sigmoid, a log or a binary cross-entropy there
(BCEWithLogitsLoss, softplus, logsigmoid); LSGAN squares them; a critic's game only adds, scales and averages them
(WGAN: E D(G(z)) − E D(x)), the hinge game clips them at a margin (relu(1 − D(x))). A gradient penalty's term reaches
D's weights through the double-backward graph, not D's output node, so it does not blur the answer.
Names are autograd's node classes (`SigmoidBackward0`, `BinaryCrossEntropyWithLogitsBackward0`, ...) without the
`Backward<n>` suffix.
"""

from __future__ import annotations

import re

import torch

# operations that make D's output a classifier's (a probability or its log), a square (LSGAN) or a margin (hinge)
LOGISTIC = {
    "Sigmoid",
    "LogSigmoid",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Softplus",
    "Log",
    "Log1p",
    "LogSoftmax",
    "Exp",
    "Tanh",
}
SQUARE = {"Pow", "MseLoss", "Square", "SmoothL1Loss", "HuberLoss"}
MARGIN = {"Relu", "Clamp", "ClampMin", "ClampMax", "Threshold", "Hardtanh", "Minimum", "Maximum"}
_SUFFIX = re.compile(r"Backward\d*$")


def op_name(node) -> str:
    return _SUFFIX.sub("", type(node).__name__)


def ops_above(root, targets) -> set[str]:
    """The operations on some path from `root` (a loss's grad_fn) down to any node in `targets` (D's output nodes),
    the targets themselves left out: an iterative depth-first walk (a deep D would overflow Python's recursion)."""
    wanted = {id(t) for t in targets if t is not None}
    if root is None or not wanted:
        return set()
    reach: dict[int, bool | None] = {}
    nodes: dict[int, object] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if not done and key in reach:
            continue
        nodes[key] = node
        if key in wanted:
            reach[key] = True
            continue
        children = [child for child, _ in node.next_functions if child is not None]
        if not done:
            reach[key] = None  # under way: its children are walked first (a DAG: none of them leads back here)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in reach)
        else:
            reach[key] = any(reach.get(id(child)) for child in children)
    return {op_name(nodes[k]) for k, r in reach.items() if r and k not in wanted}


def game_of_d_loss(ops: set[str]) -> dict:
    """What D's loss says, as Recorder(inferred=...) takes it; {} where the graph did not reach D's outputs."""
    if not ops:
        return {}
    if ops & LOGISTIC:
        return {}  # a classifier's game: the Recorder's defaults (nonsaturating, d_output from D's last module)
    seen = "; D's loss: " + ", ".join(sorted(ops))
    if ops & MARGIN:
        how = "D's loss clips D's raw scores at a margin (relu), no sigmoid on D's output path: the hinge game"
        return {"loss": ("hinge", how + seen), "d_output": ("critic", "read with the loss")}
    if ops & SQUARE:
        how = "D's loss squares D's raw scores, no sigmoid on D's output path: least squares (LSGAN)"
        return {"loss": ("least_squares", how + seen), "d_output": ("logits", "read with the loss")}
    how = "D's loss is linear in D's raw scores, no sigmoid/BCE on D's output path: a Wasserstein critic"
    return {"loss": ("wasserstein", how + seen), "d_output": ("critic", "read with the loss")}


def game_of_g_loss(ops: set[str]) -> dict:
    """What G's loss alone says (where G was updated before D): a critic's −E D(G(z)) reads as the Wasserstein game
    (the hinge game's G loss is the same; only D's loss tells them apart)."""
    if not ops or ops & (LOGISTIC | SQUARE | MARGIN):
        return {}
    how = "G's loss is linear in D's raw scores (−E D(G(z))), no sigmoid/BCE: a critic; Wasserstein assumed (hinge has the same G loss)"
    return {"loss": ("wasserstein", how), "d_output": ("critic", "read with the loss")}


def output_node(out) -> object | None:
    """The autograd node that made a module's output, None outside autograd (no_grad, no parameters)."""
    return out.grad_fn if isinstance(out, torch.Tensor) else None


__all__ = ["game_of_d_loss", "game_of_g_loss", "ops_above", "output_node"]
