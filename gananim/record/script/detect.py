"""Which module is the generator and which the discriminator, told from the module calls of a running script.

Every module call is seen (torch's global forward hook). A call whose output is one score per sample and whose input
is the output of an earlier call is an edge producer -> scorer; an edge is a GAN candidate when the producer has
parameters and was itself fed a tensor no module made (noise). A tensor is followed through views and `.detach()`
by its storage, held alive while it can still be matched so a freed address is never mistaken for it. Nested modules
(G's last layer makes G's output too; a LightningModule whose forward calls G) resolve to the outermost module that
does not contain the other player. An edge between two calls made inside one call still running (D's first layer
feeding its last) is a module's inside, never a pair.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

HELD = 64  # recent module outputs kept matchable: enough for a D of a few dozen layers between G's output and D's score
REAL_ROWS = 512  # real samples kept per scoring module (the Recorder's real batch is drawn from them)


def storage_key(x) -> int | None:
    """The address of a tensor's storage (shared by its views and `.detach()`), None for anything else."""
    if not isinstance(x, torch.Tensor) or x.numel() == 0 or not x.is_floating_point():
        return None
    try:
        return x.untyped_storage().data_ptr()
    except (RuntimeError, NotImplementedError):  # tensors without storage (meta, some subclasses)
        return None


def first_tensor(args):
    return next((a for a in args if isinstance(a, torch.Tensor)), None)


def label_input(args, n: int) -> tuple[str, int | str] | None:
    """A module call's second tensor input as a conditional GAN's label, where it is one for a batch of n:
    ("index", highest class + 1) for integer class indices (n,), ("one_hot", K) for one-hot rows (n, K),
    ("other", what it is) for any other second input shaped per sample; None where there is none."""
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    if len(tensors) < 2 or tensors[1].ndim == 0 or tensors[1].shape[0] != n or n == 0:
        return None
    y = tensors[1].detach()
    if y.ndim == 1 and not y.is_floating_point() and not y.is_complex() and y.dtype != torch.bool:
        return ("index", int(y.max()) + 1) if int(y.min()) >= 0 else ("other", f"{y.dtype} with negative values")
    if y.ndim == 2 and y.is_floating_point() and bool(((y == 0) | (y == 1)).all()) and bool((y.sum(1) == 1).all()):
        return ("one_hot", int(y.shape[1]))
    return ("other", f"{str(y.dtype).removeprefix('torch.')} shaped {tuple(y.shape)}")


def args_labels(args) -> torch.Tensor:
    """The second tensor of a call's arguments (label_input found a label there)."""
    return [a for a in args if isinstance(a, torch.Tensor)][1].detach()


def scores_per_sample(x, out) -> bool:
    """`out` is one number per sample of the batch `x`: (n,), (n, 1), (n, 1, 1, 1) ..."""
    return (
        isinstance(out, torch.Tensor)
        and isinstance(x, torch.Tensor)
        and x.ndim >= 1
        and out.is_floating_point()
        and out.ndim >= 1
        and out.shape[0] == x.shape[0] > 0
        and out.numel() == x.shape[0]
    )


def contains(outer: nn.Module, inner: nn.Module) -> bool:
    return any(m is inner for m in outer.modules())


def has_params(m: nn.Module) -> bool:
    return any(True for _ in m.parameters())


class CallGraph:
    """What the module calls so far say: GAN edges (generator, discriminator) and the real batches each scorer saw."""

    def __init__(self):
        # storage -> (the output, held alive; [(module that made it, fed noise?, the calls running around it)])
        self.made: OrderedDict[int, tuple[torch.Tensor, list[tuple[nn.Module, bool, frozenset]]]] = OrderedDict()
        self.running: list[int] = []  # ids of the module calls under way, outermost first
        self._calls = 0
        self.edges: dict[tuple[int, int], tuple[nn.Module, nn.Module]] = {}
        self.real: dict[int, list[torch.Tensor]] = {}
        self.seen: dict[int, nn.Module] = {}  # every module called, for names and for "what was found"
        self.score_ndim: dict[int, int] = {}  # scorer -> its output's ndim (a DCGAN's D gives (n, 1, 1, 1))
        self.labels: dict[int, tuple[str, int | str]] = {}  # module -> its label input (label_input), widest seen
        self.real_labels: dict[int, list[torch.Tensor]] = {}  # scorer -> the labels beside its real batches
        self.first_shape: dict[int, tuple[int, ...]] = {}  # module called with a label -> its first input's sample

    def on_enter(self, module: nn.Module, args) -> None:
        self._calls += 1
        self.running.append(self._calls)

    def on_call(self, module: nn.Module, args, out) -> None:
        if self.running:
            self.running.pop()
        around = frozenset(self.running)
        self.seen.setdefault(id(module), module)
        x = first_tensor(args)
        if isinstance(x, torch.Tensor) and x.ndim >= 1:
            self._note_label(module, label_input(args, x.shape[0]), tuple(x.shape[1:]))
        key_in = storage_key(x)
        made_by = self.made.get(key_in) if key_in is not None else None
        if scores_per_sample(x, out):
            self.score_ndim[id(module)] = out.ndim
            if made_by is None:
                # a batch that requires grad is the input of a gradient, not data: WGAN-GP's interpolates between
                # real and generated samples (x.requires_grad_() for the penalty) would pass for real samples
                if not x.requires_grad:
                    self._keep_real(module, x, args)
            else:
                for producer in self._producers(made_by[1], module, around):
                    self.edges.setdefault((id(producer), id(module)), (producer, module))
        key_out = storage_key(out)
        if key_out is not None and key_out != key_in:
            fed_noise = made_by is None and x is not None and x.is_floating_point()
            held = self.made.pop(key_out, (out.detach(), []))
            held[1].append((module, fed_noise, around))
            self.made[key_out] = held  # most recent last; the oldest go first
            while len(self.made) > HELD:
                self.made.popitem(last=False)

    @staticmethod
    def _producers(makers, scorer, around):
        """The modules that made the scorer's input, were fed noise and have parameters, outside the scorer's call."""
        return [
            m
            for m, fed_noise, their in makers
            if fed_noise
            and not (their & around)
            and has_params(m)
            and not contains(m, scorer)
            and not contains(scorer, m)
        ]

    def _note_label(self, module, label, first: tuple[int, ...]) -> None:
        """A module's label input: its kind, and the most classes any of its calls showed; and the shape of one
        sample of its first input (a conditional G's latent: its own layers may count the label in too)."""
        if label is None:
            return
        self.first_shape[id(module)] = first
        had = self.labels.get(id(module))
        if had is None or had[0] != label[0] or label[0] == "other":
            self.labels[id(module)] = label
        else:
            self.labels[id(module)] = (label[0], max(had[1], label[1]))

    def _keep_real(self, module, x, args) -> None:
        kept = self.real.setdefault(id(module), [])
        if sum(len(t) for t in kept) < REAL_ROWS:
            kept.append(x.detach().to("cpu", copy=True))
            if label_input(args, len(x)) is not None:  # a conditional D's real batch: its labels, row for row
                self.real_labels.setdefault(id(module), []).append(args_labels(args).to("cpu", copy=True))

    def pairs(self) -> list[tuple[nn.Module, nn.Module]]:
        """The GAN candidates, nested ones resolved to the outermost generator and discriminator."""
        edges = list(self.edges.values())
        out = []
        for g, d in edges:
            if any(g2 is not g and contains(g2, g) and d2 is d for g2, d2 in edges):
                continue  # a part of a larger generator feeding the same D
            if any(d2 is not d and contains(d2, d) and g2 is g for g2, d2 in edges):
                continue  # a part of a larger discriminator scoring the same G
            out.append((g, d))
        return out

    def real_batches(self, d: nn.Module) -> torch.Tensor | None:
        kept = self.real.get(id(d))
        if not kept:
            return None
        shape = kept[0].shape[1:]
        return torch.cat([t for t in kept if t.shape[1:] == shape])[:REAL_ROWS]

    def real_label_batches(self, d: nn.Module) -> torch.Tensor | None:
        """The labels beside D's real batches, as class indices, row for row with real_batches (None: none seen
        with every batch)."""
        kept, labels = self.real.get(id(d)) or [], self.real_labels.get(id(d)) or []
        if not kept or len(labels) != len(kept):
            return None
        shape = kept[0].shape[1:]
        rows = [y.argmax(1) if y.ndim == 2 else y for t, y in zip(kept, labels) if t.shape[1:] == shape]
        return torch.cat(rows)[:REAL_ROWS].long()

    def clear(self) -> None:
        self.made.clear()
        self.real.clear()
        self.real_labels.clear()
        self.running.clear()


class PerSample(nn.Module):
    """A discriminator whose scores come shaped (n, 1, 1, 1) (DCGAN's), seen by the Recorder as (n, 1): same parameters."""

    def __init__(self, discriminator: nn.Module):
        super().__init__()
        self.discriminator = discriminator

    def forward(self, x, *labels):
        out = self.discriminator(x, *labels)  # a conditional D's label passes through
        return out.reshape(len(out), 1)
