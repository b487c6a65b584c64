"""Looking at models without touching their training: the torch helpers the Recorder and the curvature share.

A probe runs the models in eval mode under a forked global RNG (`probing`), reads D's output as logits
whatever it returns (`as_logits`), takes gradients with `torch.autograd.grad` (nothing lands in `.grad`)
and copies results to the host once (`to_host`).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.recording.game import D_OUTPUTS

PROB_EPS = 1e-7  # probabilities are clamped to [eps, 1 - eps] before inverting the sigmoid: finite logits


def check_d_output(d_output) -> str:
    """Logits, sigmoid probabilities or a critic's unbounded scores."""
    if d_output not in D_OUTPUTS:
        raise GananimError(f"d_output must be 'logits', 'probs' or 'critic', got {d_output!r}")
    return d_output


def check_module(model, who: str, optional: bool = False) -> None:
    """The Recorder reads layers, parameters and modes: models must be torch modules."""
    if optional and model is None:
        return
    if not isinstance(model, nn.Module):
        raise GananimError(f"the {who} must be a torch.nn.Module, got {type(model).__name__}")


def placement(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    """Where and in which precision a model computes: its first floating parameter, else buffer, else CPU float32."""
    for t in (*model.parameters(), *model.buffers()):
        if t.is_floating_point():
            return t.device, t.dtype
    return torch.device("cpu"), torch.float32


def trainable(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The (name, parameter) pairs a player optimises: those that require grad."""
    return [(name, p) for name, p in model.named_parameters() if p.requires_grad]


def infer_latent_dim(generator: nn.Module) -> int:
    """The generator's input size, read from its first layer that declares one."""
    for module in generator.modules():
        if hasattr(module, "in_features"):
            return int(module.in_features)
    raise GananimError("cannot infer the generator's latent dimension from its layers; pass latent_dim=")


def infer_latent_shape(generator: nn.Module) -> tuple[int, ...]:
    """The generator's input shape per sample, read from its first layer that tells it.

    A Linear (or anything with `in_features`) takes (in_features,); a transposed or plain convolution first (DCGAN)
    takes (in_channels, 1, 1); an Unflatten first takes the flat vector it unflattens."""
    for module in generator.modules():
        if isinstance(module, nn.Unflatten) and isinstance(module.unflattened_size, (tuple, list)):
            return (math.prod(int(s) for s in module.unflattened_size),)
        if hasattr(module, "in_features"):
            return (int(module.in_features),)
        if isinstance(module, (nn.ConvTranspose2d, nn.Conv2d)):
            return (int(module.in_channels), 1, 1)
    raise GananimError(
        "cannot infer the generator's latent shape from its layers; pass latent_dim= (a flat latent) "
        "or latent_shape= (e.g. latent_shape=(100, 1, 1))"
    )


def infer_d_output(discriminator: nn.Module) -> str:
    """'probs' if the discriminator's last module is a sigmoid, else 'logits'."""
    last = list(discriminator.modules())[-1]
    return "probs" if isinstance(last, nn.Sigmoid) else "logits"


class ProbeMode:
    """Eval mode and the global torch RNG forked for a probe of these models; every submodule's training flag
    restored afterwards. A prober makes one and enters it every snapshot: the submodules are listed once, and flags
    are set on them directly (object.__setattr__, as nn.Module.train does for each module, without its recursion
    and nn.Module.__setattr__'s checks), where walking both trees and calling eval() every snapshot cost a tenth of
    a digits snapshot's Python beside training. Modules added to the models later are neither switched nor touched."""

    def __init__(self, *models: nn.Module | None):
        models = [m for m in models if m is not None]
        self.modules = [m for model in models for m in model.modules()]
        # the scan of every tensor's device only where CUDA exists (a CPU snapshot spent a tenth of its Python here)
        self.cuda = (
            sorted(
                {
                    t.device.index or 0
                    for model in models
                    for t in (*model.parameters(), *model.buffers())
                    if t.device.type == "cuda"
                }
            )
            if torch.cuda.is_available()
            else []
        )

    @contextlib.contextmanager
    def __call__(self):
        modes = [m.training for m in self.modules]
        try:
            with torch.random.fork_rng(devices=self.cuda):
                for m in self.modules:
                    object.__setattr__(m, "training", False)
                yield
        finally:
            for m, training in zip(self.modules, modes):
                object.__setattr__(m, "training", training)


def probing(*models: nn.Module | None):
    """A one-off `ProbeMode` of these models (None entries skipped), entered."""
    return ProbeMode(*models)()


def as_logits(y: torch.Tensor, d_output: str, n: int | None = None) -> torch.Tensor:
    """The discriminator's output for n inputs as (n,) logits: probabilities are clamped and inverted; a critic's
    scores ("critic") are returned as they are.

    D must return one score per sample, shaped (n,) or (n, 1). Half precision is widened to float32
    first: 1 - 1e-7 rounds to 1 in float16, where the logit would be infinite.
    """
    n = len(y) if n is None else n
    if tuple(y.shape) not in ((n,), (n, 1)):
        raise GananimError(
            f"the discriminator returned shape {tuple(y.shape)} for {n} inputs; "
            f"D must return one score per sample, ({n},) or ({n}, 1)"
        )
    y = y.reshape(n)
    if y.dtype in (torch.float16, torch.bfloat16):
        y = y.float()
    if d_output == "probs":
        y = y.clamp(PROB_EPS, 1 - PROB_EPS)
        return torch.log(y) - torch.log1p(-y)
    return y


def grad_norm(loss: torch.Tensor, model: nn.Module, retain_graph: bool = True) -> torch.Tensor:
    """L2 norm of d(loss)/d(params) by autograd.grad (nothing accumulates in `.grad`), as a float64 tensor; NaN if none."""
    params = [p for _, p in trainable(model)]
    if not params or not loss.requires_grad:
        return torch.tensor(math.nan, dtype=torch.float64)
    grads = torch.autograd.grad(loss, params, allow_unused=True, retain_graph=retain_graph)
    return norm(grads)


def norm(tensors) -> torch.Tensor:
    """The L2 norm of several tensors taken together (None entries skipped), as a float64 tensor."""
    present = [t for t in tensors if t is not None]
    if not present:
        return torch.tensor(0.0, dtype=torch.float64)
    return torch.sqrt(sum((t.double() ** 2).sum() for t in present))


def total_norm(tensors) -> torch.Tensor:
    """The L2 norm of several tensors taken together (None entries skipped), as a float64 tensor: each tensor's norm
    in its own precision in one fused call (what torch's clip_grad_norm_ does), combined in float64. Dozens of times
    faster than `norm` on a CPU, where per-parameter casts dominate a small model's probe."""
    present = [t for t in tensors if t is not None]
    if not present:
        return torch.tensor(0.0, dtype=torch.float64)
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(present)).double())


def to_numpy(x) -> np.ndarray:
    """Copy a tensor (on any device) or array-like to a float64 numpy array."""
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def to_host(tensors: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """Several tensors to float64 numpy arrays in ONE device-to-host copy (one sync on a GPU), shapes kept."""
    if not tensors:
        return {}
    device = next(iter(tensors.values())).device
    flat = torch.cat([t.detach().reshape(-1).to(device=device, dtype=torch.float64) for t in tensors.values()])
    host = flat.to("cpu").numpy()
    out, start = {}, 0
    for name, t in tensors.items():
        out[name] = host[start : start + t.numel()].reshape(t.shape)
        start += t.numel()
    return out


class Players:
    """The generator and discriminator as probes see them: where each computes, D's output kind and the loss;
    `labels` (a gananim.record.labels.Labels) for a conditional pair, G(z, y) and D(x, y)."""

    def __init__(self, G: nn.Module, D: nn.Module | None, d_output: str | None, loss: str, labels=None):
        self.G, self.D, self.d_output, self.loss, self.labels = G, D, d_output, loss, labels
        self.device, self.dtype = placement(G)  # probes run in the models' own device and precision
        self.d_device, self.d_dtype = placement(D) if D is not None else (self.device, self.dtype)

    def label_batch(self, y, for_d: bool = False) -> torch.Tensor | None:
        """Class indices (n,) as the models take them, on G's (or D's) device: a long tensor, or one-hot rows in
        the model's precision (Labels(one_hot=True)); None for an unconditional pair."""
        if self.labels is None:
            return None
        device, dtype = (self.d_device, self.d_dtype) if for_d else (self.device, self.dtype)
        y = torch.as_tensor(np.asarray(y), dtype=torch.long).to(device)
        if self.labels.one_hot:
            return torch.nn.functional.one_hot(y, self.labels.n_classes).to(dtype)
        return y

    def generate(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """G(z), or G(z, y) for a conditional pair (y from label_batch)."""
        return self.G(z) if y is None else self.G(z, y)

    def on_g(self, x) -> torch.Tensor:
        """A fixed batch on the generator's device, in its precision."""
        return torch.as_tensor(np.asarray(x)).to(self.device, self.dtype)

    def on_d(self, x) -> torch.Tensor:
        """A fixed batch on the discriminator's device, in its precision."""
        return torch.as_tensor(np.asarray(x)).to(self.d_device, self.d_dtype)

    def logits(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The discriminator's output as (n,) logits, whichever it returns; D(x, y) given labels y (label_batch)."""
        return as_logits(self.D(x) if y is None else self.D(x, y), self.d_output, len(x))

    def has_gradient_batch(self) -> bool:
        """The gradient norms need a discriminator and parameters to differentiate."""
        return self.D is not None and bool(trainable(self.G) or trainable(self.D))
