"""What a snapshot of 1D/2D data holds: the samples, the mapping's arrows, D on the view box's grid, the generator's
gradient arrows, and D's statistics with the gradient norms (the points prober the Recorder drives).

Set-up (the fixed arrays and the manifest's fields) happens once, at construction; `bind` takes the fixed arrays the
recording really has (a resumed one keeps its own), and `probe` computes one snapshot without touching training state.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gananim.errors import GananimError
from gananim.kinds.points.data import is_view_box, resolve_data
from gananim.kinds.points.targets import Target
from gananim.record import objectives
from gananim.record.options import ProbeOptions
from gananim.record.prior import Prior
from gananim.record.prober import ProberSetup
from gananim.record.probes import Players, ProbeMode, as_logits, grad_norm, norm, probing, to_host, trainable
from gananim.recording.grid import Grid

ARRAYS = ("samples", "mapping", "d_grid", "g_grad")  # probe results stored as arrays; the rest are scalars


class PointProber:
    """Probes a GAN whose samples are 1D or 2D points (the toy lab's and the README's recordings)."""

    @classmethod
    def build(cls, s: ProberSetup) -> "PointProber":
        """Check the user's data and latents against a generator of 1D/2D samples, then set up."""
        data_dim = s.g_shape[0] if s.g_shape else 1
        per = _per_sample(s.data)
        if per is not None and math.prod(per) != data_dim and math.prod(per) > 2:
            raise GananimError(
                f"the data's samples have shape {per} but the generator outputs {data_dim} number(s) per "
                "sample; pass real data shaped like the generator's output"
            )
        if len(s.latent_shape) != 1:
            raise GananimError(
                f"a generator of 1D or 2D samples takes flat latents (n, latent_dim), not {s.latent_shape}; pass latent_dim="
            )
        if s.conditional is not None:
            raise GananimError(
                "conditional=Labels(...) is for recordings of images or vectors: D's surface over the plane has no "
                "place for a class; record one class per run, or a generator of more than 2 numbers"
            )
        if s.classifier is not None or s.labels is not None:
            raise GananimError(
                "classifier= and labels= are for recordings of images or vectors; 1D and 2D recordings measure mode coverage"
            )
        # grid_size 0 (the default): by the data's dimension, but a resumed recording keeps the grid it has
        stored_size = (s.stored or {}).get("grid", {}).get("size")
        # LSGAN's D scores as they are (gananim.recording.game, `d_scores`), but a resumed recording made before keeps
        # the σ(l) it stored: one recording, one meaning
        raw = s.players.loss == "least_squares" and (s.stored is None or s.stored.get("d_scores") == "raw")
        return cls(s.players, s.prior, s.options, s.data, s.view_box, s.seed, data_dim, stored_size, raw)

    def __init__(
        self,
        players: Players,
        prior: Prior,
        opts: ProbeOptions,
        data,
        view_box,
        seed: int,
        data_dim: int,
        stored_grid_size: int | None = None,
        raw_scores: bool = False,
    ):
        self.players, self.prior, self.options = players, prior, opts
        self.raw = raw_scores and players.loss == "least_squares"  # LSGAN's regression outputs stored as they are
        self.target, real, box = resolve_data(data, view_box, opts.real_samples, seed)
        latents = prior.sample(opts.n_samples, seed)
        if box is None:
            raise GananimError(
                "cannot tell the view box: pass data= a gananim target, an array of real samples, or one (low, high) pair per data dimension"
            )
        if len(box) != data_dim:
            raise GananimError(f"the view box has {len(box)} dimension(s) but the generator outputs {data_dim}")
        self.grid = Grid(box, opts.grid_size or stored_grid_size or opts.grid_cells(data_dim))
        self._check_discriminator(data_dim)
        plane, coords, grid_z = prior.grid(opts.latent_grid, seed + 2)
        fixed = {"latents": latents.numpy(), "latent_grid": grid_z, "latent_grid_coords": coords.astype(np.float32)}
        if plane is not None:
            fixed["latent_plane"] = plane.astype(np.float32)
        if real is not None:
            fixed["data_samples"] = real.astype(np.float32)
        if self.target is not None:
            fixed |= {
                "data_density": self.target.density(self.grid).astype(np.float32),
                "modes": np.asarray(self.target.modes, np.float64),
                "mode_scales": np.asarray(self.target.mode_scales, np.float64),
            }
        self.fixed = fixed
        # sizes of the gradient batch and of the arrows (stored in the manifest: g_grad's rows past g_grad_rows are NaN)
        self._n_grad = min(opts.n_samples, opts.real_samples, opts.grad_samples) if players.has_gradient_batch() else 0
        self._n_arrows = min(opts.n_samples, opts.arrow_samples) if players.D is not None else 0
        self.manifest = {
            "data_dim": data_dim,
            "n_samples": opts.n_samples,
            "grid": self.grid.to_dict(),
            "latent_grid_shape": [opts.latent_grid] * coords.shape[1],
            "latent_extent": prior.extent,
            "density_samples": opts.density_samples,
            "g_grad_rows": self._n_arrows,
            "grad_samples": self._n_grad,
            "target": self.target.to_config() if self.target is not None else None,
        }
        if self.raw:
            self.manifest["d_scores"] = "raw"

    def _check_discriminator(self, data_dim: int) -> None:
        """Run D once on two grid points: it must take (n, data_dim) samples and return one score per sample."""
        p = self.players
        if p.D is None:
            return
        with probing(p.D), torch.no_grad():
            try:
                out = p.D(p.on_d(self.grid.points()[:2]))
            except RuntimeError as e:
                raise GananimError(
                    f"the discriminator rejected samples of shape (2, {data_dim}) ({str(e).splitlines()[0]}); "
                    "D must take the generator's output"
                ) from None
            as_logits(out, p.d_output, 2)

    def bind(self, fixed: dict[str, np.ndarray], manifest: dict, seed: int) -> None:
        """The fixed batches on the models' devices (a resumed recording keeps its own latents and grids).

        G runs once per snapshot on each latent it needs: on the gradient batch (the first stored latents) with its
        graph, and in one no-grad call on the other stored latents, the mapping's latent grid and, only if
        density_samples > n_samples, extra density latents."""
        p, opts = self.players, self.options
        self.latents = p.on_g(fixed["latents"])
        self.real = p.on_d(fixed["data_samples"]) if "data_samples" in fixed else None
        self._grid_points = p.on_d(self.grid.points())
        n = len(self.latents)
        self._n_mapping = len(fixed["latent_grid"])
        self._density_samples = opts.density_samples
        extra = self.prior.sample(max(0, opts.density_samples - n), seed + 3)
        self._n_grad = min(self._n_grad, n, len(self.real) if self.real is not None else n)  # a resumed recording's
        self._nograd_z = torch.cat(
            [self.latents[self._n_grad :], p.on_g(fixed["latent_grid"]), extra.to(p.device, p.dtype)]
        )
        # the curvature's balanced batches (off by default): the whole real batch and as many stored latents
        self.n_balanced = min(n, len(self.real) if self.real is not None else opts.real_samples)
        self._mode = ProbeMode(p.G, p.D)

    def _gen(self, z: torch.Tensor) -> torch.Tensor:
        """The generator's output as (n, data_dim)."""
        y = self.players.G(z)
        return y[:, None] if y.ndim == 1 else y

    def probe(self) -> dict[str, np.ndarray]:
        """Everything one snapshot holds, computed without touching training state, as host arrays (one copy).

        Sized for the overhead target (bench/bench_recorder.py): G runs once on each latent (the gradient batch
        with its graph, the rest in one no-grad call); the density is the histogram of the stored samples
        (density_samples = n_samples by default: no G call of its own, and recomputable from what is stored).
        """
        k, n, m = self._n_grad, len(self.latents), self._n_mapping
        with self._mode():
            with torch.no_grad():
                rest = self._gen(self._nograd_z)
            with torch.enable_grad():
                head = self._gen(self.latents[:k]) if k else rest[:0]  # the gradient batch, with its graph
            samples = torch.cat([head.detach(), rest[: n - k]])
            out = {
                "samples": samples,
                "mapping": rest[n - k : n - k + m],
                "density_batch": torch.cat([samples, rest[n - k + m :]])[: self._density_samples],
                "nonfinite_share": 1 - torch.isfinite(samples).all(dim=1).float().mean(),
            }
            if self.players.D is not None:
                out |= self._probe_discriminator(head, samples)
        return to_host(out)

    batch_limit = 1  # a 1D/2D snapshot is small: the Recorder finishes it and hands it to the store at once

    def finish(self, raws: list[dict[str, np.ndarray]]) -> list[tuple[dict[str, np.ndarray], dict[str, float]]]:
        """Probed snapshots as stored: the density histogram of the samples, the arrays, and the scalars."""
        out = []
        for raw in raws:
            host = dict(raw)
            arrays = {"density": self.grid.histogram(host.pop("density_batch"))}
            arrays |= {name: host.pop(name) for name in ARRAYS if name in host}
            out.append((arrays, {name: float(v) for name, v in host.items()}))
        return out

    def curvature_batch(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """The curvature probes' balanced batches (as many stored latents as real samples), None without real data."""
        if self.players.D is None or self.real is None:
            return None
        return self.latents[: self.n_balanced], self.real

    def _probe_discriminator(self, head: torch.Tensor, samples: torch.Tensor) -> dict[str, torch.Tensor]:
        """D on the grid, the generator-gradient arrows, D statistics, V(G, D) and the gradient norms.

        D sees the first max(grad_samples, arrow_samples) stored samples (512 by default) in two batches, the
        gradient batch (`head`, still on G's graph) and the rest; that one forward serves:
        - the arrows ∇x log D(x), on the first arrow_samples only: the gradients view reads them as a random subset
          (the latents are i.i.d.), and on all 2,500 their forward and backward through D cost 5 times as much.
          The other rows of g_grad are NaN (manifest `g_grad_rows`), which the view skips like a diverged sample's;
        - d_fake and V(G, D): averages over those samples (V against the whole real batch);
        - the gradient norms: G's and D's losses on the first grad_samples (256) stored samples against as many
          real ones (balanced, as in training; half the toy loop's batch: the norm's scale is the same, its noise a
          little higher). D's takes one backward; G's rides on the arrows' backward (nonsaturating) or takes one.
        """
        # one function on purpose: one forward through D serves all five results above, on one graph
        p, k, a = self.players, self._n_grad, self._n_arrows
        critic = p.d_output == "critic"
        shown = self._scores if self.raw else (lambda lg: lg) if critic else torch.sigmoid
        with torch.no_grad():
            grid = p.logits(self._grid_points)  # a critic's and LSGAN's raw scores are stored as they are, else σ(l)
            d_grid = shown(grid).reshape(self.grid.shape)
            # the relativistic game weighs each arrow by the other batch's mean score: the real scores come first
            real_all = p.logits(self.real) if self.real is not None and p.loss == "relativistic_average" else None
        with torch.enable_grad():
            batches = [head.to(p.d_device, p.d_dtype), samples[k : max(k, a)].to(p.d_device, p.d_dtype)]
            # leaves to differentiate to where G's graph does not reach (the rest, or a G without parameters)
            batches = [x if x.requires_grad else x.detach().requires_grad_(True) for x in batches if len(x)]
            logits = [p.logits(x) for x in batches]
            # G's loss over the gradient batch is -1/k times the arrows' objective there (nonsaturating: Σ log D;
            # Wasserstein and hinge: Σ D), so the arrows' backward, continued into G, gives G's gradient too (× -k)
            reaches_g = k > 0 and head.requires_grad  # else no gradient reaches G's parameters: its norm is NaN
            fused_ok = p.loss in ("nonsaturating", "wasserstein", "hinge")
            fused = [q for _, q in trainable(p.G)] if reaches_g and fused_ok else []
            if logits[0].requires_grad:  # the arrows: −∇x (G's loss) = w(l) ∇x l, one backward to the inputs (and G)
                grads = torch.autograd.grad(
                    logits,
                    batches + fused,
                    grad_outputs=self._arrow_weights([lg.detach() for lg in logits], real_all),
                    retain_graph=k > 0,
                    allow_unused=True,
                )
            else:  # D ignores its input and has no parameters
                grads = [None] * (len(batches) + len(fused))
            grads, g_param_grads = grads[: len(batches)], grads[len(batches) :]
            arrows = torch.cat([torch.zeros_like(x) if g is None else g for g, x in zip(grads, batches)]).detach()
            g_grad = torch.cat([arrows[:a], arrows.new_full((len(samples) - a, arrows.shape[1]), math.nan)])
            fake = torch.cat([lg.detach() for lg in logits])
            out = {"d_grid": d_grid, "g_grad": g_grad}
            if not critic:
                out["d_fake"] = shown(fake).mean()
            nan = torch.tensor(math.nan, dtype=torch.float64)
            real_k = None
            if self.real is not None:
                real_k = p.logits(self.real[:k]) if k else None
                with torch.no_grad():
                    real_rest = p.logits(self.real[k:]) if k < len(self.real) else None
                real = torch.cat([r.detach() for r in (real_k, real_rest) if r is not None])
                out |= (
                    ls_scalars(self._scores(real), self._scores(fake))
                    if self.raw
                    else game_scalars(p.loss, critic, real, fake)
                )
                out["d_grad_norm"] = grad_norm(objectives.d_loss(p.loss, real_k, logits[0]), p.D) if k else nan
            elif critic:
                out["critic_fake"] = fake.mean()
            if fused:
                out["g_grad_norm"] = norm(g_param_grads) / k
            elif reaches_g and (real_k is not None or p.loss != "relativistic_average"):
                out["g_grad_norm"] = grad_norm(objectives.g_loss(p.loss, logits[0], real_k), p.G, retain_graph=False)
            else:
                out["g_grad_norm"] = nan
        return out

    def _scores(self, logits: torch.Tensor) -> torch.Tensor:
        """LSGAN's D(x) as D returns it, from its logits (as_logits): the output itself, or σ(l) for a D of
        probabilities (the least-squares loss is then on the probability; as_logits clamps it to [1e-7, 1 − 1e-7])."""
        return torch.sigmoid(logits) if self.players.d_output == "probs" else logits

    def _arrow_weights(self, logits: list[torch.Tensor], real: torch.Tensor | None) -> list[torch.Tensor]:
        """arrow_weights in this recording's terms: LSGAN with raw scores stores −∇x ½(D(x) − 1)² = (1 − D) ∇x D
        (D = l, or σ(l) with ∇x σ(l) = σ(1 − σ) ∇x l), so the gradients view reads them as they are."""
        if not self.raw:
            return arrow_weights(self.players.loss, logits, real)
        if self.players.d_output == "probs":
            return [(1 - torch.sigmoid(lg)) * torch.sigmoid(lg) * torch.sigmoid(-lg) for lg in logits]
        return [1 - lg for lg in logits]


def ls_scalars(real: torch.Tensor, fake: torch.Tensor) -> dict[str, torch.Tensor]:
    """LSGAN's statistics on D's raw scores (Mao et al. 2017, a=0, b=1): the mean scores, ½ each at the optimum, and
    the D objective ½ E (D(x) − 1)² + ½ E D(G(z))², LS_OPTIMUM = ¼ there (gananim.recording.game)."""
    return {
        "d_real": real.mean(),
        "ls_value": 0.5 * (real - 1).pow(2).mean() + 0.5 * fake.pow(2).mean(),
    }


def arrow_weights(loss: str, logits: list[torch.Tensor], real: torch.Tensor | None) -> list[torch.Tensor]:
    """Per sample, −∂(n × G's loss)/∂l at each fake score l: the arrow −∇x (G's loss) is that times ∇x l.

    nonsaturating (and the classifiers' games, which the gradients view rescales from it): ∇x log D = σ(−l) ∇x l;
    wasserstein, hinge: G's loss −E D(G(z)), so ∇x D itself (weight 1); relativistic_average: with m_r, m_f the real
    and fake mean scores, σ(m_r − l) + E_r σ(C(x_r) − m_f) (the second term: l moves m_f, which the real half reads)."""
    if loss in ("wasserstein", "hinge"):
        return [torch.ones_like(lg) for lg in logits]
    if loss == "relativistic_average" and real is not None:
        m_r, m_f = real.mean(), torch.cat(logits).mean()
        shared = torch.sigmoid(real - m_f).mean()
        return [torch.sigmoid(m_r - lg) + shared for lg in logits]
    return [torch.sigmoid(-lg) for lg in logits]


def game_scalars(loss: str, critic: bool, real: torch.Tensor, fake: torch.Tensor) -> dict[str, torch.Tensor]:
    """D's statistics in the game's own terms (gananim.recording.game): a classifier's mean probabilities and V(G, D);
    a critic's mean scores, and E D(real) − E D(fake) (Wasserstein, hinge) or RaSGAN's D_ra and value."""
    if not critic:
        return {"d_real": torch.sigmoid(real).mean(), "value": objectives.value(real, fake)}
    out = {"critic_real": real.mean(), "critic_fake": fake.mean()}
    if loss == "relativistic_average":
        return out | {
            "d_real": torch.sigmoid(real - fake.mean()).mean(),
            "d_fake": torch.sigmoid(fake - real.mean()).mean(),
            "value": objectives.relativistic_value(real, fake),
        }
    return out | {"critic_gap": real.mean() - fake.mean()}


def _per_sample(data) -> tuple[int, ...] | None:
    """The shape of one sample of array or tensor data, None for a target, a view box or nothing."""
    if data is None or isinstance(data, Target) or is_view_box(data):
        return None
    shape = tuple(data.shape) if hasattr(data, "shape") else np.shape(data)
    return shape[1:] or (1,) if len(shape) >= 1 else None


build = PointProber.build  # the kind's prober, as gananim.kinds.Kind.prober asks for it
