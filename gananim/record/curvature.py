"""Curvature of the GAN game: eigenvalues of the Hessian of V(G, D) and of the game's Jacobian.

V(G, D) = E log D(x) + E log(1 - D(G(z))) (`gananim.record.objectives.value`), on fixed batches `z` and `real`.
θ = [θ_G, θ_D] is the flat vector of both players' trainable parameters (G's first).

- `value_hessian_eigs`: the exact Hessian ∇²_θ V for SMALL models (at most `MAX_HESSIAN_PARAMS`).
  Seed 004 reads it as: indefinite → a saddle of V (what a min-max equilibrium looks like),
  negative definite → a local maximum (the strong-discriminator failure).
- `game_jacobian_eigs`: for ANY model size, the top-k eigenvalues (by magnitude) of J = ∂ξ/∂θ, with
  ξ = (∇_θG V, -∇_θD V) the simultaneous-gradient field (G descends V, D ascends it). Near a fixed point,
  simultaneous gradient descent θ ← θ - ηξ is pulled in along eigenvalues with Re λ > 0, pushed away
  along Re λ < 0, and rotates (cycles) where |Im λ| dominates, which plain gradient steps amplify.

Like the Recorder, these are probes that never change training: models run in eval mode (each
submodule's flag is restored), gradients come from `torch.autograd.grad` / `torch.func` (nothing lands
in `.grad`), random numbers come from a seeded numpy Generator and the global torch RNG is forked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.record import objectives
from gananim.record.probes import as_logits, check_d_output, probing, trainable

MAX_HESSIAN_PARAMS = 2000  # the dense Hessian is n x n and costs n backward passes: keep n small
BREAKDOWN_TOL = 1e-10  # Arnoldi: a residual this small relative to |A q| means the Krylov space is invariant
HESSIAN_CHUNK = 128  # Hessian rows per vectorised batch: memory grows with it (~0.7 GB at 2000 parameters, batch 512)

ValueFn = Callable[[Sequence[torch.Tensor], Sequence[torch.Tensor]], torch.Tensor]


# --- the numpy eigensolver ----------------------------------------------------------------------


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """a · b without BLAS: a multithreaded BLAS call per short product stalls badly when torch's threads share the cores."""
    return float(np.sum(a * b))


def _norm(a: np.ndarray) -> float:
    """Euclidean length, BLAS-free like `_dot`."""
    return math.sqrt(_dot(a, a))


def _orthogonalise(w: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove w's components along Q's orthonormal ROWS: modified Gram-Schmidt, done twice for stability."""
    h = np.zeros(len(Q))
    for _ in range(2):  # the second pass ("twice is enough") repairs the orthogonality the first lost to rounding
        for i, q in enumerate(Q):
            c = _dot(q, w)
            h[i] += c
            w = w - c * q
    return w, h


def arnoldi_eigs(
    matvec: Callable[[np.ndarray], np.ndarray], n: int, k: int, iters: int, rng: np.random.Generator
) -> np.ndarray:
    """The k largest-magnitude Ritz values of an n x n real operator from `iters` Arnoldi steps (complex array).

    Builds an orthonormal Krylov basis Q (rows, contiguous for long vectors; modified Gram-Schmidt with
    re-orthogonalisation) and the upper Hessenberg H = Q A Qᵀ, and returns H's eigenvalues (np.linalg.eigvals),
    largest |λ| first (ties: positive imaginary part first; an odd k may split a conjugate pair). On breakdown (an invariant subspace) it continues from a fresh random
    vector orthogonal to Q, so with iters >= n the basis spans R^n and the values are A's eigenvalues.
    The outermost eigenvalues converge first; fewer iterations give approximations.
    """
    if n < 1:
        raise GananimError(f"the operator needs at least one dimension, got n={n}")
    m = min(iters, n)
    if not 1 <= k <= m:
        raise GananimError(f"k must be between 1 and min(iters, n) = {m}, got k={k}")
    Q = np.zeros((m, n))  # row j: the j-th basis vector
    H = np.zeros((m, m))
    Q[0] = _unit(rng.standard_normal(n))
    scale = 0.0  # the largest |A q| seen: the yardstick for "this residual is rounding noise"
    for j in range(m):
        w = np.asarray(matvec(Q[j].copy()), dtype=np.float64).reshape(-1)
        if w.shape != (n,):
            raise GananimError(f"the operator returned shape {w.shape}; expected ({n},)")
        if not np.isfinite(w).all():
            raise GananimError("the operator returned non-finite values (NaN or inf in the model or its gradients?)")
        scale = max(scale, _norm(w))
        w, H[: j + 1, j] = _orthogonalise(w, Q[: j + 1])
        if j + 1 == m:
            break
        beta = _norm(w)
        if beta > BREAKDOWN_TOL * scale:
            H[j + 1, j] = beta
            Q[j + 1] = w / beta
        else:  # invariant subspace found: H[j+1, j] = 0 and the basis goes on from a new direction
            Q[j + 1] = _fresh_direction(Q[: j + 1], rng)
    eigs = np.linalg.eigvals(H).astype(np.complex128)
    order = np.lexsort((-eigs.imag, -np.abs(eigs)))
    return eigs[order[:k]]


def _unit(v: np.ndarray) -> np.ndarray:
    """v scaled to length 1."""
    return v / _norm(v)


def _fresh_direction(Q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random unit vector orthogonal to Q's rows (Q has fewer rows than columns)."""
    for _ in range(10):
        w, _ = _orthogonalise(rng.standard_normal(Q.shape[1]), Q)
        if _norm(w) > 1e-8:
            return _unit(w)
    raise GananimError("Arnoldi could not find a new direction orthogonal to its basis")  # never with n > len(Q)


# --- shared torch helpers --------------------------------------------------------------------------


def _as_batch(x, like: torch.Tensor) -> torch.Tensor:
    """A fixed batch as a tensor on the models' device and dtype, shaped (n, dim)."""
    t = torch.as_tensor(x).to(device=like.device, dtype=like.dtype)
    return t[:, None] if t.ndim == 1 else t


def _game_value(
    generate: Callable[[torch.Tensor], torch.Tensor],
    discriminate: Callable[[torch.Tensor], torch.Tensor],
    z: torch.Tensor,
    real: torch.Tensor,
    d_output: str,
) -> torch.Tensor:
    """V(G, D) on the fixed batches, from whatever G and D compute (modules or functional calls)."""
    fake = generate(z)
    fake = fake[:, None] if fake.ndim == 1 else fake
    return objectives.value(
        as_logits(discriminate(real), d_output, len(real)), as_logits(discriminate(fake), d_output, len(fake))
    )


def _check_players(G: nn.Module, D: nn.Module) -> None:
    """G and D must have trainable parameters and share none (θ_G and θ_D are disjoint)."""
    g_ids = {id(p) for _, p in trainable(G)}
    d_ids = {id(p) for _, p in trainable(D)}
    if not g_ids or not d_ids:
        raise GananimError("both the generator and the discriminator need trainable parameters (requires_grad=True)")
    if g_ids & d_ids:
        raise GananimError("the generator and the discriminator share parameters; the game needs disjoint θ_G and θ_D")


# --- the exact Hessian of V (small models) ------------------------------------------------------------


def value_hessian(G: nn.Module, D: nn.Module, z, real, d_output: str = "logits") -> np.ndarray:
    """The exact Hessian ∇²V over θ = [θ_G, θ_D] (float64, symmetric), for models with few parameters."""
    check_d_output(d_output)
    _check_players(G, D)
    g_named, d_named = trainable(G), trainable(D)
    n = sum(p.numel() for _, p in g_named + d_named)
    if n > MAX_HESSIAN_PARAMS:
        raise GananimError(
            f"the models have {n} trainable parameters, more than MAX_HESSIAN_PARAMS = {MAX_HESSIAN_PARAMS} for the "
            "exact (n x n) Hessian; use game_jacobian_eigs (the Jacobian method), which needs only products with vectors"
        )
    with probing(G, D):
        # float64 copies: the sign of small eigenvalues is what matters, and the models stay untouched
        g_state, d_state = _float64_state(G), _float64_state(D)
        theta = torch.cat([p.detach().to(torch.float64).reshape(-1) for _, p in g_named + d_named])
        zb, rb = _as_batch(z, theta), _as_batch(real, theta)
        sizes = [p.numel() for _, p in g_named + d_named]
        names = [("G", name, p.shape) for name, p in g_named] + [("D", name, p.shape) for name, p in d_named]

        def v(flat: torch.Tensor) -> torch.Tensor:
            """V as a function of the flat parameter vector."""
            gs, ds = dict(g_state), dict(d_state)
            for (who, name, shape), piece in zip(names, torch.split(flat, sizes)):
                (gs if who == "G" else ds)[name] = piece.reshape(shape)
            return _game_value(
                lambda x: torch.func.functional_call(G, gs, (x,)),
                lambda x: torch.func.functional_call(D, ds, (x,)),
                zb,
                rb,
                d_output,
            )

        with torch.enable_grad():
            hess = torch.func.jacrev(torch.func.grad(v), chunk_size=HESSIAN_CHUNK)(theta)
    h = hess.detach().cpu().numpy()
    return (h + h.T) / 2  # exact symmetry: rows come from separate backward passes


def _float64_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """Detached float64 copies of a model's parameters and floating-point buffers (integer buffers as they are)."""
    state = dict(model.named_parameters()) | dict(model.named_buffers())
    return {k: t.detach().to(torch.float64) if t.is_floating_point() else t for k, t in state.items()}


def value_hessian_eigs(G: nn.Module, D: nn.Module, z, real, d_output: str = "logits") -> np.ndarray:
    """Eigenvalues (ascending) of the exact Hessian of V: both signs → saddle, all negative → local maximum."""
    return np.linalg.eigvalsh(value_hessian(G, D, z, real, d_output))


# --- the game Jacobian (any model size) ---------------------------------------------------------------


def game_jacobian_eigs_fn(
    value_fn: ValueFn,
    params_min: Sequence[torch.Tensor],
    params_max: Sequence[torch.Tensor],
    k: int = 6,
    iters: int = 30,
    seed: int = 0,
) -> np.ndarray:
    """Top-k eigenvalues (by magnitude) of the Jacobian of ξ = (∇_min V, -∇_max V), V = value_fn(params_min, params_max).

    Products use vector-Jacobian products uᵀJ = ∇_θ(ξ·u), i.e. Jᵀu: one reverse pass through the retained
    graph of ξ, the operation autograd does natively (a Jacobian-vector product would need forward-mode AD
    or two reverse passes). J and Jᵀ have the same characteristic polynomial, hence the same eigenvalues.
    """
    params = [*params_min, *params_max]
    if not params_min or not params_max:
        raise GananimError("both players need at least one parameter")
    if len({id(p) for p in params}) != len(params):
        raise GananimError("params_min and params_max must be distinct tensors")
    if not all(p.requires_grad for p in params):
        raise GananimError("every parameter must require grad")
    sizes = [p.numel() for p in params]
    n = sum(sizes)
    with torch.enable_grad():
        v = value_fn(params_min, params_max)
        if not isinstance(v, torch.Tensor) or v.numel() != 1 or not v.requires_grad:
            raise GananimError("value_fn must return a scalar tensor that depends on the parameters")
        grads = torch.autograd.grad(v, params, create_graph=True, allow_unused=True)
        xi = [
            torch.zeros_like(p) if g is None else (g if i < len(params_min) else -g)
            for i, (p, g) in enumerate(zip(params, grads))
        ]

        def jt_matvec(u: np.ndarray) -> np.ndarray:
            """Jᵀu = ∇_θ (ξ · u), through the graph of ξ kept alive across products."""
            pieces = torch.split(torch.as_tensor(u, device=params[0].device, dtype=params[0].dtype), sizes)
            dot = sum((x * piece.reshape(x.shape)).sum() for x, piece in zip(xi, pieces))
            if not dot.requires_grad:  # ξ does not depend on θ: V is linear, J = 0
                return np.zeros(n)
            out = torch.autograd.grad(dot, params, retain_graph=True, allow_unused=True)
            return (
                torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for p, g in zip(params, out)])
                .detach()
                .to("cpu", torch.float64)
                .numpy()
            )

        return arnoldi_eigs(jt_matvec, n, k, iters, np.random.default_rng(seed))


def game_jacobian_eigs(
    G: nn.Module, D: nn.Module, z, real, k: int = 6, iters: int = 30, seed: int = 0, d_output: str = "logits"
) -> np.ndarray:
    """Top-k eigenvalues (by magnitude, complex) of the game Jacobian of V(G, D), G minimising and D maximising."""
    check_d_output(d_output)
    _check_players(G, D)
    params_g, params_d = [p for _, p in trainable(G)], [p for _, p in trainable(D)]
    with probing(G, D):
        zb, rb = _as_batch(z, params_g[0]), _as_batch(real, params_g[0])
        return game_jacobian_eigs_fn(
            lambda _g, _d: _game_value(G, D, zb, rb, d_output), params_g, params_d, k=k, iters=iters, seed=seed
        )


HESSIAN_PARAMS = 200  # models this small get every eigenvalue of the exact Hessian of V (seeds/004's plots)


def snapshot_curvature(players, batch, due: bool, k: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """One snapshot's curvature arrays and scalars: the top k game-Jacobian eigenvalues (and, for models of at most
    HESSIAN_PARAMS parameters, every Hessian eigenvalue of V) on the balanced `batch` (latents, real) when due, else
    NaN of the same shapes (the series stay aligned)."""
    G, D, d_output = players.G, players.D, players.d_output
    n_params = sum(p.numel() for m in (G, D) for _, p in trainable(m))
    exact = n_params <= HESSIAN_PARAMS
    game = np.full((k, 2), np.nan)
    hessian = np.full(n_params if exact else 0, np.nan)
    if due:
        latents, real = batch
        eigs = game_jacobian_eigs(G, D, latents, real, k=min(k, n_params), seed=seed, d_output=d_output)
        game[: len(eigs)] = np.stack([eigs.real, eigs.imag], axis=1)
        if exact:
            hessian = value_hessian_eigs(G, D, latents, real, d_output=d_output)
    scalars = {
        "game_eig_abs": float(np.hypot(*game[0])),
        "game_eig_real_max": float(np.nanmax(game[:, 0])) if due else math.nan,
    }
    if exact:
        scalars |= {"hessian_eig_min": float(hessian[0]), "hessian_eig_max": float(hessian[-1])}
    return {"game_eigs": game, **({"hessian_eigs": hessian} if exact else {})}, scalars
