"""What a snapshot of high-dimensional data holds (images (C, H, W) and vectors of more than 2 numbers): the
generator on fixed latents (the stored samples, the sample grid, the latent paths), every sample and the fixed real
batch on a fixed PCA plane, D's score for each, D-score histograms, the gradient norms, and a user classifier's
logits. The images prober the Recorder drives (its arrays are listed in gananim.kinds.images.ImagesKind.arrays).

One snapshot (`probe`) is one no-grad generator call on all fixed latents but the gradient batch, one generator
call with its graph on that batch, one discriminator call with its graph (the gradient batch and as many real
samples), one no-grad discriminator call on the rest, two backward passes (D's loss into D, G's loss into G), one
copy to the host. Quantising, histograms and per-sample scores (`finish`) wait for the store's next flush and are
done for all snapshots since the last one together.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gananim.errors import GananimError
from gananim.kinds.images.data import (
    class_labels,
    fit_pca,
    label_batches,
    latent_batches,
    plane_density_grid,
    project,
    real_batch,
    real_rows,
    real_samples,
    sample_shape_of,
    value_range,
)
from gananim.kinds.images.pixels import to_float, to_uint8
from gananim.kinds.images.scores import game_scalars, sigmoid
from gananim.kinds.images.user_classifier import UserClassifier, class_freq, is_builtin
from gananim.kinds.points.data import is_view_box
from gananim.kinds.points.targets import Target
from gananim.record import objectives
from gananim.record.arguments import call_mistake
from gananim.record.options import ProbeOptions
from gananim.record.prior import Prior
from gananim.record.prober import ProberSetup
from gananim.record.probes import Players, ProbeMode, as_logits, probing, to_host, total_norm, trainable
from gananim.recording.grid import Grid


class ImageProber:
    """Probes a GAN whose samples are images or vectors; `sample_shape` is (C, H, W) or (d,), `g_shape` G's own."""

    @classmethod
    def build(cls, s: ProberSetup) -> "ImageProber":
        """Check the user's data and options against a generator of images or vectors, then set up."""
        sample_shape = sample_shape_of(s.g_shape, "the generator's output")
        if (
            s.data is None or isinstance(s.data, Target) or is_view_box(s.data) or s.view_box is not None
        ):  # points' data
            raise GananimError(
                f"the generator outputs samples of shape {s.g_shape}: targets and view boxes are for 1D or 2D data; "
                "pass data= an array or tensor of real samples shaped like the generator's output"
            )
        if s.options.curvature_every:
            raise GananimError("the curvature probes are for 1D and 2D recordings; set curvature_every=0")
        if s.conditional is not None and s.labels is None:
            raise GananimError(
                "a conditional recording scores real samples given their classes: pass labels= (one per real sample)"
            )
        if s.labels is not None and s.classifier is None and s.conditional is None:
            raise GananimError("labels= give the data's class frequencies to a classifier: pass classifier= too")
        # LSGAN's raw D scores (recording.game `d_scores`); a resumed recording made before keeps its σ(l)
        raw = s.players.loss == "least_squares" and (s.stored is None or s.stored.get("d_scores") == "raw")
        return cls(
            s.players,
            s.prior,
            s.latent_shape,
            s.options,
            s.data,
            sample_shape,
            s.g_shape,
            s.seed,
            classifier=s.classifier,
            labels=s.labels,
            conditional=s.conditional,
            raw_scores=raw,
        )

    def __init__(
        self,
        players: Players,
        prior: Prior,
        latent_shape: tuple[int, ...],
        opts: ProbeOptions,
        data,
        sample_shape: tuple[int, ...],
        g_shape: tuple[int, ...],
        seed: int,
        classifier=None,
        labels=None,
        conditional=None,
        raw_scores: bool = False,
    ):
        # long by its signature (as formatted); the body fixes, in order, what every snapshot is measured against
        self.players, self.options, self.sample_shape, self.g_shape = players, opts, sample_shape, g_shape
        self.is_image = len(sample_shape) == 3
        x = real_samples(data, sample_shape)
        self.value_range = value_range(x)
        self._quantise = self.is_image  # images are stored as uint8 on the value range; vectors as float32
        n, n_real = opts.image_samples, opts.image_real
        mean, components = fit_pca(x, seed)
        stored_real, real = real_batch(x, n_real, seed, self.value_range if self.is_image else None)
        self.grid = plane_density_grid(project(x, mean, components))
        interp = (opts.interp_paths, opts.interp_points) if self.is_image else None
        # a conditional grid is one row per class: n_images rounded to whole rows (64 images of 10 classes: 6 a row)
        cols = 0 if conditional is None else max(1, round(opts.n_images / conditional.n_classes)) if interp else 1
        n_images = conditional.n_classes * cols if conditional is not None and interp else opts.n_images
        fixed = latent_batches(prior, latent_shape, n, n_images, interp, seed)
        if conditional is not None:
            labels = class_labels(labels, len(x), conditional.n_classes)
            rows = real_rows(len(x), n_real, seed)  # the fixed real batch's rows: their labels
            fixed |= label_batches(conditional.n_classes, n, n_images, cols, interp, labels[rows])
        fixed |= {
            "data_samples": stored_real,
            "pca_mean": mean,
            "pca_components": components,
            "real_proj": project(real, mean, components).astype(np.float32),
            "d_edges": np.linspace(0, 1, opts.d_bins + 1),
        }
        self._check_discriminator(real[:2].reshape(2, *g_shape), fixed.get("real_labels"))
        if players.d_output == "critic":  # unbounded scores: bins on ±4× the widest real score at the start (the
            fixed["d_edges"] = self._critic_edges(real, opts.d_bins, fixed.get("real_labels"))  # view re-bins them)
        self.classifier, entry = None, None
        if classifier is not None:
            entry, arrays = self._classifier(classifier, real, labels, len(x))
            fixed |= arrays
        self.fixed = fixed
        self._n_grad = min(opts.image_grad_samples, n, n_real) if players.has_gradient_batch() else 0
        self.manifest = {
            "sample_shape": list(sample_shape),
            "is_image": self.is_image,
            "latent_shape": list(latent_shape),
            "value_range": list(self.value_range),
            "n_samples": n,
            "n_real": n_real,
            "grid": self.grid.to_dict(),
            "d_bins": opts.d_bins,
            "classifier": entry,
            "grad_samples": self._n_grad,
            "conditional": conditional.manifest(cols or 1) if conditional is not None else None,
        }
        if self.is_image:
            self.manifest |= {"n_images": n_images, "interp_shape": list(interp)}
        self.raw = raw_scores and players.loss == "least_squares"  # LSGAN's regression outputs stored as they are
        if self.raw:
            self.manifest["d_scores"] = "raw"

    def _check_discriminator(self, real: np.ndarray, labels: np.ndarray | None) -> None:
        """Run D once on two real samples shaped like G's output (given their labels, for a conditional pair): it
        must return one score per sample."""
        p = self.players
        if p.D is None:
            return
        y = None if labels is None else p.label_batch(labels[:2], for_d=True)
        with probing(p.D), torch.no_grad():
            try:
                out = p.D(p.on_d(real)) if y is None else p.D(p.on_d(real), y)
            except TypeError as e:
                if "argument" not in str(e):
                    raise
                raise GananimError(call_mistake("discriminator", "D(x, y)", e, y is not None)) from None
            except RuntimeError as e:
                raise GananimError(
                    f"the discriminator rejected samples of shape {(2, *self.g_shape)} ({str(e).splitlines()[0]}); "
                    "D must take the generator's output"
                ) from None
            as_logits(out, p.d_output, 2)

    def _critic_edges(self, real: np.ndarray, bins: int, labels: np.ndarray | None) -> np.ndarray:
        """Symmetric bins about 0 for a critic's scores, 4× as wide as the real batch's largest score now (at least ±1);
        a conditional critic scores each real sample given its own label."""
        p = self.players
        y = None if labels is None else p.label_batch(labels, for_d=True)
        with probing(p.D), torch.no_grad():
            scores = p.logits(p.on_d(real.reshape(len(real), *self.g_shape)), y).double().cpu().numpy()
        reach = 4 * float(np.max(np.abs(scores[np.isfinite(scores)]), initial=0.0))
        return np.linspace(-max(reach, 1.0), max(reach, 1.0), bins + 1)

    def _classifier(self, classifier, real: np.ndarray, labels, n_data: int) -> tuple[dict, dict[str, np.ndarray]]:
        """The manifest entry and fixed arrays of the classifier: real features and class frequencies (+ weights)."""
        if is_builtin(classifier):
            x01 = self._to01(real)
            features, logits = np.asarray(classifier.features(x01)), np.asarray(classifier.logits(x01))
            arrays = {k: np.asarray(v) for k, v in classifier.fixed_arrays().items()}
            entry = dict(classifier.manifest_entry())
        else:
            self.classifier = UserClassifier(classifier, self.players.device, self.players.dtype)
            logits = self.classifier(self.players.on_g(real.reshape(len(real), *self.g_shape))).double().cpu().numpy()
            features, arrays, entry = logits, {}, None
        classes = logits.shape[1]
        freq = class_freq(labels, classes, n_data, logits.argmax(axis=1))
        arrays |= {"data_class_freq": freq, "real_features": features.astype(np.float32)}
        return entry or self.classifier.manifest_entry(), arrays

    def _to01(self, x: np.ndarray) -> np.ndarray:
        """Samples scaled from the value range to [0, 1] (the built-in classifiers' input)."""
        lo, hi = self.value_range
        return (x - lo) / (hi - lo)

    def bind(self, fixed: dict[str, np.ndarray], manifest: dict, seed: int) -> None:
        """The fixed batches on the models' devices (a resumed recording keeps its own latents, real batch and plane)."""
        p = self.players
        self.value_range, self.grid = tuple(manifest["value_range"]), Grid.from_dict(manifest["grid"])
        self.latents = p.on_g(fixed["latents"])
        real = fixed["data_samples"]
        real = to_float(real, self.value_range) if real.dtype == np.uint8 else real.astype(np.float32)
        self.real = p.on_d(real.reshape(len(real), *self.g_shape))
        # the projection runs in torch, in float64 on G's device: numpy's BLAS would start threads of its own (which
        # spin, burning CPU time on a core the training loop needs) where torch keeps to the user's thread count
        self._mean, self._components = (
            torch.as_tensor(fixed[k], dtype=torch.float64, device=p.device) for k in ("pca_mean", "pca_components")
        )
        edges = fixed["d_edges"]
        self._d_grid = Grid(((float(edges[0]), float(edges[-1])),), len(edges) - 1)  # D scores on d_edges (uniform)
        k = self._n_grad = min(self._n_grad, len(fixed["latents"]), len(real))
        rest = [self.latents[k:]]
        # a conditional pair's labels, row for row beside the latents and the real batch (empty lists: unconditional)
        cond = "latent_labels" in fixed and p.labels is not None
        rest_y = [fixed["latent_labels"][k:]] if cond else []
        self._n_grid = 0
        if self.is_image:
            shared = np.array_equal(fixed["grid_latents"], fixed["latents"][: len(fixed["grid_latents"])])
            self._n_images = len(fixed["grid_latents"])
            if not shared:  # more grid images than stored samples: their own latents, in the same call
                rest.append(p.on_g(fixed["grid_latents"]))
                rest_y += [fixed["grid_labels"]] if cond else []
                self._n_grid = self._n_images
            self._interp_shape = fixed["interp_latents"].shape[:2]
            rest.append(p.on_g(fixed["interp_latents"].reshape(-1, *fixed["latents"].shape[1:])))
            rest_y += [np.repeat(fixed["interp_labels"], self._interp_shape[1])] if cond else []
        self._nograd_z = torch.cat(rest)
        self._y = {}
        if cond:
            fake_y, real_y = fixed["latent_labels"], fixed["real_labels"]
            self._y = {
                "g_head": p.label_batch(fake_y[:k]),
                "g_rest": p.label_batch(np.concatenate(rest_y)),
                "d_both": p.label_batch(np.concatenate([fake_y[:k], real_y[:k]]), for_d=True),
                "d_rest": p.label_batch(np.concatenate([fake_y[k:], real_y[k:]]), for_d=True),
            }
        self._mode = ProbeMode(p.G, p.D, self.classifier.module if self.classifier else None)
        self._n_rows = k + len(self._nograd_z)  # rows of a snapshot's pixels: the stored samples, grid images, paths
        # how many probed snapshots the Recorder may hold before `finish`: as many as fit in 16 MB of host arrays
        # (its flush interval usually comes first)
        self.batch_limit = max(
            1, (16 << 20) // (8 * (self._n_rows * math.prod(self.sample_shape) + 4 * len(self.latents)))
        )

    def probe(self) -> dict[str, np.ndarray]:
        """What one snapshot computes, without touching training state, as host arrays (one copy to the host);
        `finish` turns a batch of them into stored snapshots."""
        p, k, n = self.players, self._n_grad, len(self.latents)
        with self._mode():
            y = self._y
            with torch.no_grad():
                rest = p.generate(self._nograd_z, y.get("g_rest"))
            with torch.enable_grad():  # the gradient batch, with its graph
                head = p.generate(self.latents[:k], y.get("g_head")) if k else rest[:0]
            self._check_output(head if k else rest)
            fake = torch.cat([head.detach(), rest[: n - k]])
            proj = (fake.reshape(n, -1).double() - self._mean) @ self._components.T
            # the stored samples, then the grid's own images and the latent paths: one array, quantised in one call
            out = {"pixels": torch.cat([fake, rest[n - k :]]), "proj": proj}
            if p.D is not None:
                out |= self._probe_discriminator(head, fake)
            if self.classifier is not None:
                out["class_logits"] = self.classifier(fake)
        return to_host(out)

    def curvature_batch(self) -> None:
        """The curvature probes are for 1D and 2D recordings (`build` refuses curvature_every here)."""
        return None

    def _check_output(self, y: torch.Tensor) -> None:
        if tuple(y.shape[1:]) != self.g_shape:
            raise GananimError(
                f"the generator's output changed shape: {tuple(y.shape[1:])} per sample, was {self.g_shape}"
            )

    def _probe_discriminator(self, head: torch.Tensor, fake: torch.Tensor) -> dict[str, torch.Tensor]:
        """D's logits on every stored sample and real sample, V(G, D), and the gradient norms on balanced batches.

        The gradient batch (the first grad_samples stored samples, on G's graph) and as many real samples go through D
        in one call with the graph; all the others in one no-grad call."""
        p, k = self.players, self._n_grad
        nan = torch.tensor(math.nan, dtype=torch.float64)
        on_d = lambda x: x.to(p.d_device, p.d_dtype)  # noqa: E731
        others = torch.cat([on_d(fake[k:]), self.real[k:]])
        with torch.no_grad():
            rest = p.logits(others, self._y.get("d_rest")) if len(others) else others.new_zeros(0)
        out = {}
        if k:
            with torch.enable_grad():
                both = p.logits(torch.cat([on_d(head), self.real[:k]]), self._y.get("d_both"))
                fake_k, real_k = both[:k], both[k:]
                out["d_grad_norm"] = _grad_norm(objectives.d_loss(p.loss, real_k, fake_k), p.D, retain_graph=True)
                out["g_grad_norm"] = (
                    _grad_norm(objectives.g_loss(p.loss, fake_k, real_k), p.G, retain_graph=False)
                    if head.requires_grad
                    else nan
                )
            fake_logits = torch.cat([fake_k.detach(), rest[: len(fake) - k]])
            real_logits = torch.cat([real_k.detach(), rest[len(fake) - k :]])
        else:
            fake_logits, real_logits = rest[: len(fake)], rest[len(fake) :]
            out |= {"d_grad_norm": nan, "g_grad_norm": nan}
        return out | {"fake_logits": fake_logits, "real_logits": real_logits}  # V(G, D) from them in `finish`

    def finish(self, raws: list[dict[str, np.ndarray]]) -> list[tuple[dict[str, np.ndarray], dict[str, float]]]:
        """Probed snapshots → stored ones (uint8 images, projection, density, per-sample D, histograms) and scalars.

        Done for a batch at a time, off the snapshot: each step here is one numpy call for the whole batch, where one
        snapshot at a time cost a fifth of a digits snapshot, most of it the Python and cold caches of ~40 small
        calls made beside training (bench/bench_recorder.py --phases)."""
        # one pass over the batch, each line one numpy call for every snapshot: split, the batch would be walked again
        shape, k, n = self.sample_shape, len(raws), len(raws[0]["proj"])
        pixels = np.stack([r["pixels"] for r in raws]).reshape(k, self._n_rows, -1)
        bad_all = ~np.isfinite(pixels).all(axis=2)
        stored, flags = self._store(pixels, bad_all).reshape(k, self._n_rows, *shape), bad_all.astype(np.uint8)
        bad = bad_all[:, :n]
        proj = np.stack([r["proj"] for r in raws])
        proj[bad] = np.nan
        arrays = {
            "samples": stored[:, :n],
            "nonfinite": flags[:, :n],
            "proj": proj.astype(np.float32),
            "density": self.grid.histograms(proj),
        }
        scalars = {"nonfinite_share": bad.mean(axis=1)}
        if self.is_image:
            g, m = (n, n + self._n_grid) if self._n_grid else (0, self._n_images)
            # flagged apart, as for the samples: a zeroed image is otherwise a black one (the views cross them out)
            arrays |= {
                "images": stored[:, g:m],
                "images_nonfinite": flags[:, g:m],
                "interp": stored[:, n + self._n_grid :].reshape(k, *self._interp_shape, *shape),
                "interp_nonfinite": flags[:, n + self._n_grid :].reshape(k, *self._interp_shape),
            }
        if "fake_logits" in raws[0]:
            n_fake = len(raws[0]["fake_logits"])
            logits = np.concatenate(
                [np.stack([r["fake_logits"] for r in raws]), np.stack([r["real_logits"] for r in raws])], axis=1
            )
            critic = self.players.d_output == "critic"  # a critic's scores are stored as they are
            d = logits if critic or self.raw else sigmoid(logits)
            d_fake, d_real = d[:, :n_fake], d[:, n_fake:]
            hist = self._hist(np.clip(d, 0.0, 1.0) if self.raw else d, n_fake)  # LSGAN: overshoots in the end bins
            arrays |= {
                "d_fake": d_fake.astype(np.float32),
                "d_real": d_real.astype(np.float32),
                "d_hist_fake": hist[:, 0],
                "d_hist_real": hist[:, 1],
            }
            scalars |= game_scalars(self.players.loss, critic, logits, n_fake, raw=self.raw)
        if "class_logits" in raws[0]:
            arrays["class_logits"] = np.stack([r["class_logits"] for r in raws]).astype(np.float32)
        done = {"pixels", "proj", "fake_logits", "real_logits", "class_logits"}
        scalars |= {name: np.array([float(r[name]) for r in raws]) for name in raws[0] if name not in done}
        return [
            ({name: a[i] for name, a in arrays.items()}, {name: float(v[i]) for name, v in scalars.items()})
            for i in range(k)
        ]

    def _store(self, x: np.ndarray, bad: np.ndarray) -> np.ndarray:
        """uint8 on the value range for images, a non-finite sample all zeros (flagged apart); float32 for vectors."""
        if not self._quantise:
            return x.astype(np.float32)
        u8 = to_uint8(x, self.value_range)
        u8[bad] = 0
        return u8

    def _hist(self, d: np.ndarray, n_fake: int) -> np.ndarray:
        """Shares of the fake (row 0) and real (row 1) samples per D-score bin (NaN scores fall in none), for each
        snapshot of a batch d (k, n_fake + n_real) → (k, 2, bins): np.histogram's bins on d_edges, one bincount."""
        k, width = d.shape
        bins, flat = self._d_grid.size, d.reshape(-1)
        finite = np.flatnonzero(np.isfinite(flat))
        cell, inside = self._d_grid.cells(flat[finite][:, None])
        cell += bins * (finite % width >= n_fake) + 2 * bins * (finite // width)
        counts = np.bincount(cell[inside], minlength=2 * bins * k).reshape(k, 2, bins)
        return (counts / np.array([[max(n_fake, 1)], [max(width - n_fake, 1)]])).astype(np.float32)


def _grad_norm(loss: torch.Tensor, model, retain_graph: bool) -> torch.Tensor:
    """L2 norm of d(loss)/d(params) by autograd.grad (nothing lands in `.grad`), float64; NaN if there is none."""
    params = [q for _, q in trainable(model)]
    if not params or not loss.requires_grad:
        return torch.tensor(math.nan, dtype=torch.float64)
    return total_norm(torch.autograd.grad(loss, params, allow_unused=True, retain_graph=retain_graph))


build = ImageProber.build  # the kind's prober, as gananim.kinds.Kind.prober asks for it
