"""The images kind: images (C, H, W) and vectors of more than 2 numbers.

probe            ImageProber: the fixed-latent sample grid, latent paths, a PCA plane, per-sample D scores (torch)
data             what a recording fixes at the start: value range, real batch, PCA plane, latent batches
pixels           images as uint8 levels on the data's value range, and back
user_classifier  a user's classifier (torch) behind class coverage
classifier       the built-in numpy MLP classifier (the digits one), stored with the recording
datasets         scikit-learn's bundled 8x8 digits
arrays           the manifest fields and arrays a reader checks
metrics, events  class coverage and the events on class shares
analysis         what the analysis measures and detects for this kind
info             `gananim info`'s rows
views            grid, interp, projection, d-hist and the images dashboard
"""

from __future__ import annotations

from gananim.kinds.kind import CANNOT_DRAW, Kind
from gananim.kinds.registry import register


class ImagesKind(Kind):
    name = "images"
    version = 2
    arrays = ("images", "interp", "proj", "d_fake", "d_real", "d_hist_fake", "d_hist_real", "class_logits", "nonfinite",
              "images_nonfinite", "interp_nonfinite")  # fmt: skip
    fields = {"d_fake_each": "d_fake", "d_real_each": "d_real"}  # per-sample scores; d_fake/d_real name the means
    modules = {
        "probe": "gananim.kinds.images.probe",
        "arrays": "gananim.kinds.images.arrays",
        "analysis": "gananim.kinds.images.analysis",
        "info": "gananim.kinds.images.info",
        "player": "gananim.kinds.images.player",
    }
    views_module = "gananim.kinds.images.views"
    fixed_names = ("latents", "grid_latents", "interp_latents", "data_samples", "pca_mean", "pca_components",
                   "real_proj", "d_edges", "data_class_freq", "real_features",
                   "latent_labels", "grid_labels", "interp_labels", "real_labels")  # fmt: skip

    def keeps_fixed(self, name):
        return super().keeps_fixed(name) or name.startswith("classifier_")  # the built-in classifier's weights

    def accepts(self, g_shape):
        return True  # whatever the points kind does not take: vectors and images (the prober checks the shape)

    def is_image(self, manifest):
        return bool(manifest.get("is_image", len(manifest["sample_shape"]) == 3))

    def value_range(self, manifest):
        lo, hi = manifest["value_range"]
        return float(lo), float(hi)

    def what(self, rec):
        shape = rec.sample_shape
        return f"{'x'.join(map(str, shape))} images" if rec.is_image else f"vectors of {shape[0]} numbers"

    def default_view(self, recs):
        """The sample grid; vectors (no pictures) are shown by their projection."""
        return "grid" if all(r.is_image for r in recs) else "projection"

    def draws(self, view, rec):
        if (getattr(view, "pictures", False) and not rec.is_image) or super().draws(view, rec):
            return CANNOT_DRAW  # the renderer's message, listing the views that can
        return None


IMAGES = register(ImagesKind())

__all__ = ["IMAGES", "ImagesKind"]
