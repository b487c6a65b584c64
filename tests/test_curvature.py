"""Curvature probes: the Arnoldi solver, the exact Hessian of V, the game Jacobian, and untouched training."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from gananim.errors import GananimError
from gananim.record import objectives as losses
from gananim.record.curvature import (
    MAX_HESSIAN_PARAMS,
    arnoldi_eigs,
    game_jacobian_eigs,
    game_jacobian_eigs_fn,
    value_hessian,
    value_hessian_eigs,
)


def assert_same_spectrum(got: np.ndarray, want: np.ndarray, atol: float) -> None:
    """Each wanted eigenvalue is matched by a distinct computed one (greedy nearest), within atol."""
    assert len(got) == len(want)
    left = list(got)
    for w in want:
        i = int(np.argmin([abs(g - w) for g in left]))
        assert abs(left[i] - w) <= atol, f"{w} not found in {got}"
        left.pop(i)


def top_k(eigs: np.ndarray, k: int) -> np.ndarray:
    return eigs[np.argsort(-np.abs(eigs), kind="stable")[:k]]


# --- arnoldi_eigs on explicit matrices ---------------------------------------------------------------


def random_orthogonal(n: int, rng) -> np.ndarray:
    return np.linalg.qr(rng.standard_normal((n, n)))[0]


def test_arnoldi_symmetric_known_spectrum():
    rng = np.random.default_rng(1)
    lam = np.array([9.0, -7.5, 6.0, 4.0, -3.0, 2.5, 1.0, 0.5, -0.25, 0.1, 0.0, -0.05])
    Q = random_orthogonal(len(lam), rng)
    A = Q @ np.diag(lam) @ Q.T
    got = arnoldi_eigs(lambda v: A @ v, len(lam), k=5, iters=len(lam), rng=np.random.default_rng(0))
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, top_k(np.linalg.eigvals(A), 5), atol=1e-6)
    np.testing.assert_allclose(got.real, [9.0, -7.5, 6.0, 4.0, -3.0], atol=1e-6)
    np.testing.assert_allclose(np.abs(got), np.sort(np.abs(got))[::-1])  # largest magnitude first


def test_arnoldi_few_iterations_find_a_well_separated_top():
    rng = np.random.default_rng(2)
    n = 200
    lam = np.concatenate([[100.0, -60.0], rng.uniform(-1, 1, n - 2)])
    Q = random_orthogonal(n, rng)
    A = Q @ np.diag(lam) @ Q.T
    got = arnoldi_eigs(lambda v: A @ v, n, k=2, iters=20, rng=np.random.default_rng(0))
    np.testing.assert_allclose(got, [100.0, -60.0], rtol=1e-8)


def test_arnoldi_rotation_like_matrix_has_complex_pairs():
    rng = np.random.default_rng(3)
    radii, angles = [3.0, 2.0, 1.5, 0.5], [0.4, 1.3, 2.5, 0.9]
    blocks = [r * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) for r, a in zip(radii, angles)]
    R = np.zeros((9, 9))
    for i, b in enumerate(blocks):
        R[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = b
    R[8, 8] = 0.2
    P = random_orthogonal(9, rng)
    A = P @ R @ P.T  # real, not symmetric: eigenvalues r e^{±ia} and 0.2
    got = arnoldi_eigs(lambda v: A @ v, 9, k=6, iters=9, rng=np.random.default_rng(0))
    want = [r * np.exp(s * 1j * a) for r, a in zip(radii[:3], angles[:3]) for s in (1, -1)]
    assert_same_spectrum(got, np.array(want), atol=1e-8)
    assert got[0].imag > 0 and got[1] == np.conj(got[0])  # a conjugate pair, positive imaginary part first


def test_arnoldi_general_matrix_and_breakdown():
    rng = np.random.default_rng(4)
    A = rng.standard_normal((15, 15))
    got = arnoldi_eigs(lambda v: A @ v, 15, k=15, iters=40, rng=np.random.default_rng(0))
    assert_same_spectrum(got, np.linalg.eigvals(A), atol=1e-8)
    # invariant Krylov spaces at once: Arnoldi must restart from fresh directions, not divide by zero
    np.testing.assert_allclose(
        arnoldi_eigs(lambda v: 2.0 * v, 10, 10, 10, np.random.default_rng(0)), np.full(10, 2.0), atol=1e-12
    )
    np.testing.assert_allclose(arnoldi_eigs(lambda v: 0 * v, 6, 3, 6, np.random.default_rng(0)), np.zeros(3), atol=0)
    D = np.diag([5.0, 5.0, 1.0, 1.0, 1.0])  # two distinct eigenvalues: breakdown after 2 steps
    np.testing.assert_allclose(
        np.sort(arnoldi_eigs(lambda v: D @ v, 5, 5, 5, np.random.default_rng(7)).real), [1, 1, 1, 5, 5], atol=1e-10
    )


def test_arnoldi_is_seeded_and_leaves_global_rngs_alone():
    A = np.random.default_rng(5).standard_normal((30, 30))
    state = np.random.get_state()[1].copy()
    a = arnoldi_eigs(lambda v: A @ v, 30, 4, 10, np.random.default_rng(11))
    b = arnoldi_eigs(lambda v: A @ v, 30, 4, 10, np.random.default_rng(11))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_arnoldi_rejects_bad_arguments():
    with pytest.raises(GananimError, match="k must be"):
        arnoldi_eigs(lambda v: v, 5, k=6, iters=10, rng=np.random.default_rng(0))
    with pytest.raises(GananimError, match="k must be"):
        arnoldi_eigs(lambda v: v, 50, k=6, iters=4, rng=np.random.default_rng(0))
    with pytest.raises(GananimError, match="non-finite"):
        arnoldi_eigs(lambda v: v * np.nan, 5, k=1, iters=5, rng=np.random.default_rng(0))


# --- the exact Hessian of V on the linear goodfellow-1d game ------------------------------------------


def linear_game(w_g: float, b_g: float, w_d: float, b_d: float) -> tuple[nn.Module, nn.Module]:
    """Seed 004's players: G(z) = w_g z + b_g and D(x) = σ(w_d x + b_d) (D returns the logit)."""
    G, D = nn.Linear(1, 1), nn.Linear(1, 1)
    with torch.no_grad():
        G.weight.fill_(w_g), G.bias.fill_(b_g), D.weight.fill_(w_d), D.bias.fill_(b_d)
    return G, D


def batches(n: int = 256, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Seed 004's data: uniform noise z in [-1, 1] and real samples from N(5, 1)."""
    gen = torch.Generator().manual_seed(seed)
    return 2 * torch.rand(n, 1, generator=gen) - 1, 5 + torch.randn(n, 1, generator=gen)


def flat_value(p: np.ndarray, z: np.ndarray, x: np.ndarray) -> float:
    """V(w_g, b_g, w_d, b_d) written out by hand in numpy float64: the finite-difference reference.

    log σ(l) = -log(1 + e^-l) and log(1 - σ(l)) = -log(1 + e^l), both via logaddexp.
    """
    w_g, b_g, w_d, b_d = p
    return float(-np.logaddexp(0, -(w_d * x + b_d)).mean() - np.logaddexp(0, w_d * (w_g * z + b_g) + b_d).mean())


def fd_hessian(f, p: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central finite differences of second order: (f(++) - f(+-) - f(-+) + f(--)) / 4h²."""
    n = len(p)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):

            def at(si, sj):
                q = p.copy()
                q[i] += si * h
                q[j] += sj * h
                return f(q)

            H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h)
    return H


def params_of(G: nn.Module, D: nn.Module) -> np.ndarray:
    return np.array([p.item() for p in (G.weight, G.bias, D.weight, D.bias)], dtype=np.float64)


def test_linear_game_hessian_matches_finite_differences():
    G, D = linear_game(0.8, 1.3, 0.7, -0.4)
    z, real = batches()
    H = value_hessian(G, D, z, real)
    ref = fd_hessian(lambda q: flat_value(q, z.double().numpy(), real.double().numpy()), params_of(G, D))
    assert H.shape == (4, 4) and H.dtype == np.float64
    np.testing.assert_allclose(H, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())
    np.testing.assert_allclose(
        value_hessian_eigs(G, D, z, real), np.linalg.eigvalsh(ref), rtol=1e-4, atol=1e-4 * np.abs(ref).max()
    )


def test_probabilities_give_the_same_hessian_as_logits():
    G, D = linear_game(0.8, 1.3, 0.3, -0.4)
    z, real = batches()
    D_probs = nn.Sequential(copy.deepcopy(D), nn.Sigmoid())
    np.testing.assert_allclose(
        value_hessian(G, D_probs, z, real, d_output="probs"), value_hessian(G, D, z, real), rtol=1e-6, atol=1e-9
    )
    with pytest.raises(GananimError, match="d_output"):
        value_hessian(G, D, z, real, d_output="sigmoid")


def test_hessian_at_the_goodfellow_optimum_is_indefinite():
    """D = ½ everywhere (w_d = b_d = 0) and G matching the data mean: a stationary point of V, and a saddle.

    By hand, with l = w_d G(z) + b_d, log σ and log(1-σ) having slopes ±½ and curvature -¼ at l = 0:
      H_GG = 0                  (with w_d = 0, V does not see G at all),
      H_GD = -½ [[E z, 0], [1, 0]]   (rows w_g, b_g; columns w_d, b_d),
      H_DD = -¼ (E[(x,1)(x,1)ᵀ] + E[(g,1)(g,1)ᵀ])  (negative definite).
    So H = [[0, B], [Bᵀ, C]] with C < 0 and B of rank 1: by Haynsworth's inertia formula, two negative
    eigenvalues (C), one positive (the Schur complement -B C⁻¹ Bᵀ ≥ 0 has rank 1), and one ZERO along
    (w_g, b_g) ∝ (1, -E z): a mean-preserving change of G that a linear D cannot see. Indefinite = saddle:
    V curves up along a mix of G and D directions and down along D's, as seed 004 reports.
    """
    z, real = batches(512)
    w_g = 1.0
    G, D = linear_game(w_g, float(real.double().mean() - w_g * z.double().mean()), 0.0, 0.0)
    zd, xd = z.double().numpy()[:, 0], real.double().numpy()[:, 0]
    g = G.weight.item() * zd + G.bias.item()
    B = -0.5 * np.array([[zd.mean(), 0.0], [1.0, 0.0]])
    C = -0.25 * (
        np.cov(np.stack([xd, np.ones_like(xd)]), bias=True)
        + np.outer([xd.mean(), 1], [xd.mean(), 1])
        + np.cov(np.stack([g, np.ones_like(g)]), bias=True)
        + np.outer([g.mean(), 1], [g.mean(), 1])
    )
    want = np.block([[np.zeros((2, 2)), B], [B.T, C]])
    H = value_hessian(G, D, z, real)
    np.testing.assert_allclose(H, want, atol=1e-9)
    # the gradient vanishes there (up to the float32 rounding of b_g): a stationary point
    grad = torch.func.grad(
        lambda q: (
            torch.tensor(0.0, dtype=torch.float64)
            + losses.value(q[2] * real.double()[:, 0] + q[3], q[2] * (q[0] * z.double()[:, 0] + q[1]) + q[3])
        )
    )(torch.tensor(params_of(G, D)))
    assert grad.abs().max() < 1e-6
    eigs = value_hessian_eigs(G, D, z, real)
    scale = np.abs(eigs).max()
    assert (eigs < -1e-6 * scale).sum() == 2 and (eigs > 1e-6 * scale).sum() == 1  # both signs: indefinite
    assert abs(eigs[2]) < 1e-9 * scale  # ascending: the zero sits between the negatives and the positive
    null = np.array([1.0, -zd.mean(), 0.0, 0.0])
    assert np.abs(H @ null).max() < 1e-12


def test_exact_hessian_refuses_large_models():
    G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 2))
    D = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    assert sum(p.numel() for p in [*G.parameters(), *D.parameters()]) > MAX_HESSIAN_PARAMS
    z, real = torch.randn(8, 2), torch.randn(8, 2)
    with pytest.raises(GananimError, match="Jacobian"):
        value_hessian_eigs(G, D, z, real)


# --- the game Jacobian -------------------------------------------------------------------------------


def bilinear(rows: int, cols: int, singular_values=None, seed: int = 0):
    """f(x, y) = xᵀ A y with x split over two tensors (the minimiser) and y one tensor (the maximiser)."""
    rng = np.random.default_rng(seed)
    if singular_values is None:
        A = rng.standard_normal((rows, cols))
    else:
        U, V = random_orthogonal(rows, rng)[:, :cols], random_orthogonal(cols, rng)
        A = U @ np.diag(singular_values) @ V.T
    At = torch.tensor(A)
    x1 = torch.tensor(rng.standard_normal(2), requires_grad=True)
    x2 = torch.tensor(rng.standard_normal(rows - 2), requires_grad=True)
    y = torch.tensor(rng.standard_normal(cols), requires_grad=True)
    return A, (lambda xs, ys: torch.cat(list(xs)) @ At @ torch.cat(list(ys))), [x1, x2], [y]


def test_bilinear_game_jacobian_has_eigenvalues_plus_minus_i_sigma():
    """J = [[0, A], [-Aᵀ, 0]]: eigenvalues ±i σ_j(A), plus zeros for the rows - cols extra dimensions."""
    A, f, xs, ys = bilinear(5, 3)
    sigma = np.linalg.svd(A, compute_uv=False)
    got = game_jacobian_eigs_fn(f, xs, ys, k=6, iters=8)
    np.testing.assert_allclose(np.abs(got), np.repeat(sigma, 2), rtol=1e-10)
    np.testing.assert_allclose(got.real, 0, atol=1e-10)
    assert_same_spectrum(got, np.concatenate([1j * sigma, -1j * sigma]), atol=1e-10)
    assert all(x.grad is None for x in [*xs, *ys])


def test_bilinear_game_top_pairs_with_fewer_iterations_than_parameters():
    sigma = np.concatenate([[10.0, 7.0], np.linspace(4.0, 0.1, 48)])
    A, f, xs, ys = bilinear(60, 50, sigma, seed=1)
    got = game_jacobian_eigs_fn(f, xs, ys, k=4, iters=30, seed=3)  # n = 110 parameters, 30 products
    np.testing.assert_allclose(np.abs(got), [10, 10, 7, 7], rtol=1e-6)
    np.testing.assert_allclose(got.real, 0, atol=1e-6)
    np.testing.assert_allclose(got.imag, [10, -10, 7, -7], rtol=1e-6)


def mlp(i: int, o: int, width: int = 6) -> nn.Sequential:
    return nn.Sequential(nn.Linear(i, width), nn.Tanh(), nn.Linear(width, o))


def test_game_jacobian_agrees_with_the_exact_hessian():
    """J = S H with S = diag(I_G, -I_D): with as many Krylov vectors as parameters the two routes agree."""
    torch.manual_seed(0)
    G, D = mlp(1, 1), mlp(1, 1)
    z, real = batches(128)
    H = value_hessian(G, D, z, real)
    n_g = sum(p.numel() for p in G.parameters())
    S = np.diag(np.r_[np.ones(n_g), -np.ones(len(H) - n_g)])
    want = top_k(np.linalg.eigvals(S @ H), 6)
    got = game_jacobian_eigs(G, D, z, real, k=6, iters=len(H))
    assert got.dtype == np.complex128 and got.shape == (6,)
    assert_same_spectrum(got, want, atol=1e-4 * np.abs(want).max())


def test_game_jacobian_on_a_larger_mlp_gan():
    """A 2x128 MLP GAN (34k parameters, far beyond the exact Hessian): finite, sorted and seeded."""
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    D = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
    z, real = torch.randn(64, 2), torch.randn(64, 2)
    a = game_jacobian_eigs(G, D, z, real, k=4, iters=12, seed=0)
    b = game_jacobian_eigs(G, D, z, real, k=4, iters=12, seed=0)
    assert a.shape == (4,) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)  # seeded: the same snapshot gives the same numbers
    assert np.all(np.diff(np.abs(a)) <= 1e-12)


# --- probes never change training ----------------------------------------------------------------------


def test_curvature_probes_leave_training_untouched():
    torch.manual_seed(0)
    G = nn.Sequential(nn.Linear(1, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    D = nn.Sequential(nn.Linear(1, 8), nn.Dropout(0.5), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    z, real = batches(64)
    G(z)  # a training-mode pass: BatchNorm's running statistics are no longer the defaults
    losses.d_loss("minimax", D(real), D(G(z).detach())).backward()  # D holds .grad, G's stay None
    for p in G.parameters():
        p.grad = None
    D[1].eval()  # mixed flags must come back exactly
    state = {k: copy.deepcopy(m.state_dict()) for k, m in (("G", G), ("D", D))}
    grads = [None if p.grad is None else p.grad.clone() for p in [*G.parameters(), *D.parameters()]]
    flags = [m.training for m in [*G.modules(), *D.modules()]]
    rng = torch.get_rng_state().clone()

    value_hessian_eigs(G, D, z, real)
    game_jacobian_eigs(G, D, z, real, k=4, iters=10)

    for k, m in (("G", G), ("D", D)):
        for name, t in m.state_dict().items():
            assert torch.equal(t, state[k][name]), f"{k}.{name} changed"
    for before, p in zip(grads, [*G.parameters(), *D.parameters()]):
        assert (before is None and p.grad is None) or torch.equal(before, p.grad)
    assert [m.training for m in [*G.modules(), *D.modules()]] == flags
    assert torch.equal(torch.get_rng_state(), rng)
