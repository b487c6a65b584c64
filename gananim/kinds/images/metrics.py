"""Class coverage of generated images, from a classifier's logits and features: pure numpy functions on arrays.

The image analogue of gananim.analysis.metrics' mode coverage. Published protocols followed here:
- Stacked MNIST (Metz et al. 2017, Unrolled GAN; Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN):
  a pre-trained classifier labels each generated sample; the metrics are the number of classes (modes) the
  samples reach and the reverse KL, KL(p_gen ‖ p_data), between the generated class shares and the data's.
  Those papers count a mode captured when it gets at least one of 25,600–26,000 samples, about 1/26 of its fair
  share at 1,000 modes; a recording stores a few hundred samples over 10 classes, where one misclassified sample
  would capture a class, so a class counts here once its share reaches CLASS_CAPTURED of the data's frequency.
- FID (Heusel et al. 2017): the Fréchet distance between Gaussians fitted to real and generated features,
  ‖μ_r − μ_g‖² + tr(Σ_r + Σ_g − 2 (Σ_r Σ_g)^½), with the covariances of np.cov (ddof 1, as pytorch-fid). Here
  the features are the small digits classifier's hidden layer (gananim.kinds.images.classifier), or a user classifier's
  logits: an FID analogue for small images, comparable between runs with the same classifier only.

Samples whose output was NaN/inf (flagged `nonfinite` in a recording) get no class: shares are over the finite
samples, and `valid_share` says how many those are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gananim.analysis import metrics
from gananim.errors import GananimError

CLASS_CAPTURED = 0.1  # a class is captured when its generated share ≥ 0.1 × its data frequency: 2.6 of 256 samples
# at 10 balanced classes (VEEGAN/PacGAN's "≥ 1 sample" is 1/26 of a fair share at their sample count); above the
# ~0.2% per class that a 98%-accurate classifier's errors spread over the other 9 classes of a fully collapsed G
CLASS_EPS = 1e-6  # added to each class's share before renormalising: KL stays finite where the data has a class
# the real batch never shows (possible with a user classifier's argmax frequencies); changes the KL by ~1e-5
CLASS_SHARE = "class_share_{}"  # series name of class k's share of the generated samples


def class_shares(logits, valid=None, n_classes: int | None = None) -> np.ndarray:
    """Share of the valid samples whose argmax class is k, for k in 0..K-1 (K from the logits unless given);
    NaN everywhere where no sample is valid. `valid` (n,) bool defaults to rows whose logits are all finite."""
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 2:
        raise GananimError(f"class logits must be (n, classes); got shape {z.shape}")
    k = z.shape[1] if n_classes is None else n_classes
    ok = np.isfinite(z).all(axis=1) if valid is None else np.asarray(valid, dtype=bool) & np.isfinite(z).all(axis=1)
    if not ok.any():
        return np.full(k, np.nan)
    return np.bincount(z[ok].argmax(axis=1), minlength=k)[:k] / ok.sum()


def classes_captured(shares, data_freq, threshold: float = CLASS_CAPTURED) -> int:
    """Classes whose generated share is ≥ threshold × their data frequency (and > 0)."""
    shares, data_freq = np.asarray(shares, dtype=np.float64), np.asarray(data_freq, dtype=np.float64)
    if shares.shape != data_freq.shape:
        raise GananimError(
            f"class shares and data frequencies must have one value per class; got {shares.shape} and {data_freq.shape}"
        )
    return int(((shares > 0) & (shares >= threshold * data_freq)).sum())


def class_confidence(logits, valid=None) -> float:
    """Mean over the valid samples of the classifier's top softmax probability: near 1 for samples it recognises
    (real digits: 0.99 with the built-in classifier), lower for noise (0.85 for an untrained G's grey images); the
    premise of the Inception Score (Salimans et al. 2016): a recognisable sample has a confident p(y|x)."""
    z = np.asarray(logits, dtype=np.float64)
    ok = np.isfinite(z).all(axis=1) if valid is None else np.asarray(valid, dtype=bool) & np.isfinite(z).all(axis=1)
    if not ok.any():
        return float("nan")
    z = z[ok] - z[ok].max(axis=1, keepdims=True)
    p = np.exp(z)
    return float((p.max(axis=1) / p.sum(axis=1)).mean())


def class_kl(shares, data_freq, eps: float = CLASS_EPS) -> float:
    """KL(p_gen ‖ p_data) over classes in nats (the reverse KL of Stacked MNIST), both eps-smoothed."""
    shares = np.asarray(shares, dtype=np.float64)
    if np.isnan(shares).any():
        return float("nan")
    return metrics.kl(shares, data_freq, eps)


@dataclass(frozen=True)
class Gaussian:
    """Mean and covariance of a feature set (the Fréchet distance's sides)."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def fit(cls, features) -> "Gaussian":
        """Sample mean and covariance (ddof 1) of (n, F) features; n ≥ 2 finite rows needed, else NaN."""
        f = np.asarray(features, dtype=np.float64)
        f = f.reshape(len(f), -1)
        f = f[np.isfinite(f).all(axis=1)]
        if len(f) < 2:
            return cls(np.full(f.shape[1], np.nan), np.full((f.shape[1],) * 2, np.nan))
        return cls(f.mean(axis=0), np.atleast_2d(np.cov(f, rowvar=False)))


def _psd_sqrt(a: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semidefinite matrix (negative round-off clipped)."""
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_gaussians(a: Gaussian, b: Gaussian) -> float:
    """‖μa − μb‖² + tr(Σa) + tr(Σb) − 2 tr((Σa Σb)^½), with tr((Σa Σb)^½) = Σ √λ of the symmetric PSD matrix
    Σa^½ Σb Σa^½ (same eigenvalues as Σa Σb): no complex round-off, unlike a general matrix square root."""
    if not (np.isfinite(a.mean).all() and np.isfinite(b.mean).all()):
        return float("nan")
    if a.mean.shape != b.mean.shape:
        raise GananimError(
            f"the Fréchet distance compares features of one size; got {a.mean.shape[0]} and {b.mean.shape[0]}"
        )
    root = _psd_sqrt(a.cov)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root @ b.cov @ root), 0, None)).sum()
    value = float(np.sum((a.mean - b.mean) ** 2) + np.trace(a.cov) + np.trace(b.cov) - 2 * cross)
    return max(value, 0.0)  # round-off can dip a hair below 0 for identical sets


def frechet_distance(features_a, features_b) -> float:
    """The Fréchet distance between Gaussians fitted to two feature sets (n, F) and (m, F)."""
    return frechet_gaussians(Gaussian.fit(features_a), Gaussian.fit(features_b))


def class_coverage(logits, features, data_freq, real: Gaussian, valid=None) -> dict[str, float]:
    """Every class metric of one batch, by series name: `classes_captured`, `class_share_<k>`, `class_kl`,
    `top_class` (the class with the largest share), `top_share`, `class_confidence`, `valid_share` (finite
    samples) and `frechet` (its features against the real Gaussian)."""
    z = np.asarray(logits, dtype=np.float64)
    data_freq = np.asarray(data_freq, dtype=np.float64)
    ok = np.isfinite(z).all(axis=1) if valid is None else np.asarray(valid, dtype=bool) & np.isfinite(z).all(axis=1)
    shares = class_shares(z, ok, len(data_freq))
    out = {
        "classes_captured": float(classes_captured(np.nan_to_num(shares), data_freq)) if ok.any() else float("nan"),
        **{CLASS_SHARE.format(k): float(s) for k, s in enumerate(shares)},
        "class_kl": class_kl(shares, data_freq),
        "top_class": float(np.argmax(shares)) if ok.any() else float("nan"),
        "top_share": float(np.max(shares)) if ok.any() else float("nan"),
        "class_confidence": class_confidence(z, ok),
        "valid_share": float(ok.mean()) if len(ok) else float("nan"),
    }
    f = np.asarray(features, dtype=np.float64)
    out["frechet"] = frechet_gaussians(real, Gaussian.fit(f.reshape(len(f), -1)[ok]))
    return out


def label_match(logits, asked, valid=None) -> float:
    """The share of a conditional G's samples the classifier puts in the class G was asked for (its label), among
    the finite ones: the "classification accuracy" of generated samples, one of the usual checks of a conditional GAN
    (e.g. Odena et al. 2017, AC-GAN, Fig. 3's Inception accuracy; Ravuri & Vinyals 2019's CAS asks the converse);
    NaN where no sample is finite."""
    z = np.asarray(logits, dtype=np.float64)
    ok = np.isfinite(z).all(axis=1) & (True if valid is None else np.asarray(valid, dtype=bool))
    if not ok.any():
        return float("nan")
    return float((z[ok].argmax(axis=1) == np.asarray(asked)[ok]).mean())


def unit_scale(samples, value_range) -> np.ndarray:
    """Samples scaled to [0, 1] from the recording's value range, as the classifier takes them: uint8 images are
    stored quantised on that range (0 → lo, 255 → hi), floats are mapped linearly."""
    x = np.asarray(samples)
    if x.dtype == np.uint8:
        return x.astype(np.float64) / 255.0
    lo, hi = (float(v) for v in value_range)
    return (x.astype(np.float64) - lo) / (hi - lo)


LABEL_MATCH = "label_match"  # the series of a conditional G's samples drawn as the class asked for


class ClassReference:
    """What an image recording's snapshots are measured against: the data's class frequencies, the Gaussian of the
    real batch's features (fitted once) and either the stored built-in classifier (logits and features computed
    here from the samples) or nothing, when each snapshot stores a user classifier's logits (they are the features)."""

    def __init__(self, data_freq, real_features, value_range, classifier=None):
        self.data_freq = np.asarray(data_freq, dtype=np.float64)
        self.real = Gaussian.fit(real_features)
        self.value_range, self.classifier = value_range, classifier

    def measure(self, samples, nonfinite=None, logits=None, asked=None) -> dict[str, float]:
        """class_coverage of one snapshot: from its stored logits where given, else from its samples through the
        classifier; {} where neither is there. Samples flagged in `nonfinite` get no class. `asked`: a conditional
        G's label per sample, for `label_match`."""
        valid = None if nonfinite is None else np.asarray(nonfinite).reshape(-1) == 0
        if logits is not None:
            features = logits = np.asarray(logits, dtype=np.float64)
        elif self.classifier is not None and samples is not None:
            features = self.classifier.features(unit_scale(samples, self.value_range))
            logits = self.classifier.logits_of_features(features)
        else:
            return {}
        out = class_coverage(logits, features, self.data_freq, self.real, valid)
        if asked is not None and len(asked) == len(logits):
            out[LABEL_MATCH] = label_match(logits, asked, valid)
        return out


__all__ = [
    "CLASS_CAPTURED",
    "CLASS_EPS",
    "CLASS_SHARE",
    "LABEL_MATCH",
    "ClassReference",
    "Gaussian",
    "class_confidence",
    "class_coverage",
    "class_kl",
    "label_match",
    "class_shares",
    "classes_captured",
    "frechet_distance",
    "frechet_gaussians",
    "unit_scale",
]
