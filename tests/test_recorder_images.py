"""The Recorder on images and vectors (issue 11): what each snapshot stores, read back with numpy alone, untouched
training, latent shapes, and one clear line for each bad input. The data: 8x8 images of a bright 2x2 blob at one
of four known positions (class k = position k)."""

import dataclasses
import json
import math

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import ProbeOptions, Recorder
from gananim.errors import GananimError
from gananim.kinds.images.pixels import to_float, to_uint8
from gananim.kinds.points.targets import make_target

CORNERS = [(1, 1), (1, 5), (5, 1), (5, 5)]  # (row, col) of each class's blob
SMALL = ProbeOptions(
    image_samples=24, image_real=20, image_grad_samples=8, n_images=12, interp_paths=2, interp_points=5, d_bins=10
)
LATENT = 6


def blobs(n: int, seed: int = 0, channels: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """n images on [-1, 1]: background -1, a +1 blob at the class's corner, a little noise; and the classes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    x = np.full((n, channels, 8, 8), -1.0, np.float32)
    for i, k in enumerate(labels):
        r, c = CORNERS[k]
        x[i, :, r : r + 2, c : c + 2] = 1.0
    return np.clip(x + 0.05 * rng.standard_normal(x.shape), -1, 1).astype(np.float32), labels


class BlobClassifier(nn.Module):
    """Logits = how much of each corner is lit: a classifier of the blob data with known answers."""

    def __init__(self):
        super().__init__()
        masks = torch.zeros(4, 64)
        for k, (r, c) in enumerate(CORNERS):
            m = torch.zeros(8, 8)
            m[r : r + 2, c : c + 2] = 1
            masks[k] = m.ravel()
        self.register_buffer("masks", masks)

    def forward(self, x):
        return x.reshape(len(x), -1) @ self.masks.T


def mlp_g(latent=LATENT, shape=(1, 8, 8)):
    return nn.Sequential(
        nn.Linear(latent, 32), nn.ReLU(), nn.Linear(32, math.prod(shape)), nn.Tanh(), nn.Unflatten(1, shape)
    )


def mlp_d(shape=(1, 8, 8)):
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))


def record(path, G, D, data, steps=6, every=3, **kw):
    with Recorder(path, G, D, data=data, every=every, probes=kw.pop("probes", SMALL), **kw) as rec:
        for step in range(steps):
            rec.step(step, d_loss=0.5, g_loss=step)
    return gananim.load(path)


def test_every_stored_array_has_its_shape_and_dtype(tmp_path):
    torch.manual_seed(0)
    x, labels = blobs(300)
    r = record(tmp_path / "r", mlp_g(), mlp_d(), x, classifier=BlobClassifier(), labels=labels)
    m = r.manifest
    assert (r.kind, r.sample_shape, r.is_image, r.value_range) == ("images", (1, 8, 8), True, (-1.0, 1.0))
    assert (
        m["version"],
        m["latent_shape"],
        m["latent_dim"],
        m["n_samples"],
        m["n_real"],
        m["n_images"],
        m["interp_shape"],
        m["d_bins"],
    ) == (2, [LATENT], LATENT, 24, 20, 12, [2, 5], 10)
    assert m["classifier"] == {
        "name": "BlobClassifier",
        "source": "user",
        "classes": 4,
        "accuracy": None,
        "features": 4,
    }
    assert r.grid.size == 32 and len(r.grid.bounds) == 2
    fixed = {
        "latents": ((24, LATENT), np.float32),
        "grid_latents": ((12, LATENT), np.float32),
        "interp_latents": ((2, 5, LATENT), np.float32),
        "data_samples": ((20, 1, 8, 8), np.uint8),
        "pca_mean": ((64,), np.float64),
        "pca_components": ((2, 64), np.float64),
        "real_proj": ((20, 2), np.float32),
        "d_edges": ((11,), np.float64),
        "data_class_freq": ((4,), np.float64),
        "real_features": ((20, 4), np.float32),
    }
    assert {k: (v.shape, v.dtype) for k, v in r.fixed.items()} == fixed
    assert r.steps.tolist() == [0, 3, 5]
    snap = r[1]
    arrays = {
        "samples": ((24, 1, 8, 8), np.uint8),
        "images": ((12, 1, 8, 8), np.uint8),
        "interp": ((2, 5, 1, 8, 8), np.uint8),
        "proj": ((24, 2), np.float32),
        "density": ((32, 32), np.float32),
        "d_fake_each": ((24,), np.float32),
        "d_real_each": ((20,), np.float32),
        "d_hist_fake": ((10,), np.float32),
        "d_hist_real": ((10,), np.float32),
        "class_logits": ((24, 4), np.float32),
        "nonfinite": ((24,), np.uint8),
    }
    assert {k: (getattr(snap, k).shape, getattr(snap, k).dtype) for k in arrays} == arrays
    assert snap.mapping is None and snap.d_grid is None and snap.g_grad is None
    assert set(snap.scalars) == {
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
        "value",
        "g_grad_norm",
        "d_grad_norm",
        "nonfinite_share",
    }
    assert all(np.isfinite(v) for v in snap.scalars.values())
    np.testing.assert_allclose(r.fixed["data_class_freq"], np.bincount(labels, minlength=4) / len(labels))


def test_the_recording_read_back_with_numpy_alone_is_what_the_models_give(tmp_path):
    """np.load and json only: the stored arrays equal G, D and the classifier run directly on the fixed inputs."""
    torch.manual_seed(1)
    G, D, clf = mlp_g(), mlp_d(), BlobClassifier()
    x, _ = blobs(200)
    record(tmp_path / "r", G, D, x, steps=1, classifier=clf)
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    with np.load(tmp_path / "r" / "fixed.npz") as f:
        fixed = dict(f)
    with np.load(tmp_path / "r" / "chunks" / "000000.npz") as c:
        chunk = dict(c)
    vr = manifest["value_range"]
    with torch.no_grad():
        fake = G(torch.as_tensor(fixed["latents"])).numpy()
        paths = G(torch.as_tensor(fixed["interp_latents"].reshape(-1, LATENT))).numpy().reshape(2, 5, 1, 8, 8)
        real = to_float(fixed["data_samples"], vr)
        d_fake = torch.sigmoid(D(torch.as_tensor(fake))).numpy().ravel()
        d_real = torch.sigmoid(D(torch.as_tensor(real))).numpy().ravel()
        logits = clf(torch.as_tensor(fake)).numpy()
    assert chunk["samples"].dtype == np.uint8 and chunk["step"].tolist() == [0]
    assert np.abs(chunk["samples"][0].astype(int) - to_uint8(fake, vr)).max() <= 1  # float rounding at a level's edge
    np.testing.assert_array_equal(chunk["images"][0], chunk["samples"][0][:12])  # the grid is the first stored samples
    np.testing.assert_array_equal(fixed["grid_latents"], fixed["latents"][:12])
    assert np.abs(chunk["interp"][0].astype(int) - to_uint8(paths, vr)).max() <= 1
    z = fixed["interp_latents"]  # straight lines: equal steps between the ends
    np.testing.assert_allclose(
        np.diff(z, axis=1), np.broadcast_to(np.diff(z, axis=1)[:, :1], np.diff(z, axis=1).shape), atol=1e-5
    )
    proj = (fake.reshape(24, -1) - fixed["pca_mean"]) @ fixed["pca_components"].T
    np.testing.assert_allclose(chunk["proj"][0], proj, atol=1e-4)
    np.testing.assert_allclose(
        fixed["real_proj"], (real.reshape(20, -1) - fixed["pca_mean"]) @ fixed["pca_components"].T, atol=1e-4
    )
    grid = gananim.recording.grid.Grid.from_dict(manifest["grid"])
    np.testing.assert_allclose(chunk["density"][0], grid.histogram(chunk["proj"][0]), rtol=1e-6)
    np.testing.assert_allclose(chunk["d_fake"][0], d_fake, rtol=1e-5)
    np.testing.assert_allclose(chunk["d_real"][0], d_real, rtol=1e-5)
    np.testing.assert_allclose(chunk["d_hist_fake"][0], np.histogram(d_fake, fixed["d_edges"])[0] / 24, atol=1e-6)
    np.testing.assert_allclose(chunk["d_hist_real"][0], np.histogram(d_real, fixed["d_edges"])[0] / 20, atol=1e-6)
    np.testing.assert_allclose(chunk["class_logits"][0], logits, rtol=1e-5)
    np.testing.assert_allclose(fixed["real_features"], clf(torch.as_tensor(real)).numpy(), rtol=1e-5)
    np.testing.assert_allclose(chunk["scalar__d_fake"][0], d_fake.mean(), rtol=1e-5)
    np.testing.assert_allclose(chunk["scalar__value"][0], np.log(d_real).mean() + np.log1p(-d_fake).mean(), rtol=1e-5)
    assert chunk["scalar__nonfinite_share"][0] == 0 and not chunk["nonfinite"][0].any()


def test_pca_plane_against_a_numpy_svd_reference(tmp_path):
    x, _ = blobs(500, seed=3)
    r = record(tmp_path / "r", mlp_g(), mlp_d(), x, steps=1)
    flat = x.reshape(len(x), -1).astype(np.float64)
    mean = flat.mean(axis=0)
    _, s, vt = np.linalg.svd(flat - mean, full_matrices=False)
    assert s[1] > 1.01 * s[2]  # the plane is well defined on this data
    np.testing.assert_allclose(r.fixed["pca_mean"], mean, atol=1e-6)
    for got, want in zip(r.fixed["pca_components"], vt[:2]):
        np.testing.assert_allclose(got * np.sign(got @ want), want, atol=1e-6)  # the same direction, up to its sign
        assert got[np.abs(got).argmax()] > 0  # the sign convention: largest entry positive
    proj = (flat - mean) @ r.fixed["pca_components"].T
    (x0, x1), (y0, y1) = r.grid.bounds
    assert x0 < proj[:, 0].min() and proj[:, 0].max() < x1 and y0 < proj[:, 1].min() and proj[:, 1].max() < y1


def train(path=None, steps=12):
    """A small image-GAN loop with dropout and batch norm, optionally recorded; final weights and the next RNG draw."""
    torch.manual_seed(0)
    G = nn.Sequential(
        nn.Linear(LATENT, 32),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(32, 64),
        nn.Tanh(),
        nn.Unflatten(1, (1, 8, 8)),
    )
    D = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.LeakyReLU(0.2), nn.Dropout(0.2), nn.Linear(32, 1))
    x = torch.as_tensor(blobs(64)[0])
    opt_g, opt_d = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(D.parameters(), 1e-3)
    bce = nn.BCEWithLogitsLoss()
    rec = Recorder(path, G, D, data=x, every=4, probes=SMALL, classifier=BlobClassifier()) if path else None
    for step in range(steps):
        fake = G(torch.randn(16, LATENT))
        d_loss = bce(D(x[step % 4 * 16 :][:16]), torch.ones(16, 1)) + bce(D(fake.detach()), torch.zeros(16, 1))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()  # noqa: E702
        g_loss = bce(D(fake), torch.ones(16, 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()  # noqa: E702
        if rec:
            rec.step(step, d_loss=d_loss, g_loss=g_loss)
    if rec:
        rec.close()
    assert G.training and D.training
    return [p.detach().clone() for p in (*G.parameters(), *D.parameters())] + [G[1].running_mean.clone()], torch.rand(3)


def test_recording_an_image_gan_does_not_change_its_training(tmp_path):
    plain_weights, plain_rng = train()
    rec_weights, rec_rng = train(tmp_path / "r")
    assert all(torch.equal(a, b) for a, b in zip(plain_weights, rec_weights))
    assert torch.equal(plain_rng, rec_rng)
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 4, 8, 11] and np.isfinite(r.scalars["g_grad_norm"]).all()


class ConvG(nn.Module):
    """DCGAN-style: a transposed convolution first, fed (n, z, 1, 1); RGB 8x8 out."""

    def __init__(self, z=10, channels=3):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(z, 8, 4, 1, 0), nn.ReLU(), nn.ConvTranspose2d(8, channels, 4, 2, 1), nn.Tanh()
        )

    def forward(self, z):
        return self.net(z)


@pytest.mark.parametrize(
    "G, data, latent_shape",
    [
        (lambda: mlp_g(), blobs(40)[0], [LATENT]),  # first Linear
        (
            lambda: ConvG(),
            torch.as_tensor(blobs(40, channels=3)[0]),
            [10, 1, 1],
        ),  # ConvTranspose2d, a tensor of RGB data
        (
            lambda: nn.Sequential(nn.Unflatten(1, (5, 1, 1)), nn.ConvTranspose2d(5, 1, 8), nn.Tanh()),
            blobs(40)[0][:, 0],
            [5],
        ),  # (n, H, W) data
    ],
)
def test_latent_shapes_are_inferred(tmp_path, G, data, latent_shape):
    r = record(tmp_path / "r", G(), None, data, steps=1)
    assert r.manifest["latent_shape"] == latent_shape and r.fixed["latents"].shape == (24, *latent_shape)
    assert r[0].images.shape[2:] == r.sample_shape[1:] and "d_fake" not in r.scalars


def test_latent_shape_given_and_flat_vectors(tmp_path):
    class Reshaping(nn.Module):  # takes (n, 4, 2): nothing tells its input shape
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(8, 5))

        def forward(self, z):
            return z.reshape(len(z), 8) @ self.w

    with pytest.raises(GananimError, match="cannot infer the generator's latent shape.*latent_shape="):
        Recorder(tmp_path / "a", Reshaping(), data=np.zeros((10, 5)), probes=SMALL)
    data = np.random.default_rng(0).normal(size=(50, 5)) * 3
    r = record(tmp_path / "b", Reshaping(), nn.Linear(5, 1), data, steps=1, latent_shape=(4, 2))
    assert r.kind == "images" and not r.is_image and r.sample_shape == (5,) and r.manifest["latent_shape"] == [4, 2]
    snap = r[0]
    assert (
        snap.samples.dtype == np.float32
        and snap.samples.shape == (24, 5)
        and snap.images is None
        and snap.interp is None
    )
    assert r.fixed["data_samples"].dtype == np.float32 and "grid_latents" not in r.fixed
    assert r.value_range == pytest.approx(
        (data.min(), data.max())
    )  # neither [-1, 1] nor [0, 1]: the data's own range (float32)


def test_non_finite_outputs_are_stored_as_marked_gaps(tmp_path):
    class Sometimes(nn.Module):  # NaN for latents whose first entry is negative, inf for the largest one
        def __init__(self):
            super().__init__()
            self.g = mlp_g()

        def forward(self, z):
            y = self.g(z).clone()
            y[z[:, 0] < 0, 0, 0, 0] = math.nan
            y[z[:, 0] > 1.5, 0, 3, 3] = math.inf
            return y

    r = record(tmp_path / "r", Sometimes(), mlp_d(), blobs(50)[0], steps=1)
    snap, z = r[0], r.fixed["latents"][:, 0]
    bad = (z < 0) | (z > 1.5)
    assert bad.any() and (~bad).any()
    np.testing.assert_array_equal(snap.nonfinite, bad.astype(np.uint8))
    assert (snap.samples[bad] == 0).all() and (snap.samples[~bad] > 0).any()
    assert np.isnan(snap.proj[bad]).all() and np.isfinite(snap.proj[~bad]).all()
    assert (snap.images[bad[:12]] == 0).all()
    assert snap.scalars["nonfinite_share"] == pytest.approx(bad.mean())


def moving_recording(path, flush_secs: float, crash: bool = False):
    """Six snapshots of a generator whose weights change between them (NaN and inf in some samples), as a loop
    with a fixed seed gives them; `crash` leaves the with block by an exception after the fourth."""

    class Gaps(nn.Module):  # NaN for latents whose first entry is below `cut`, inf above 1.5
        def __init__(self):
            super().__init__()
            self.g, self.cut = mlp_g(), -math.inf

        def forward(self, z):
            y = self.g(z).clone()
            y[z[:, 0] < self.cut, 0, 0, 0] = math.nan
            y[z[:, 0] > 1.5, 0, 3, 3] = math.inf
            return y

    torch.manual_seed(4)
    G, D = Gaps(), mlp_d()
    x, labels = blobs(80)
    probes = dataclasses.replace(SMALL, flush_secs=flush_secs)
    try:
        with Recorder(path, G, D, data=x, every=2, probes=probes, classifier=BlobClassifier(), labels=labels) as rec:
            for step in range(12):
                with torch.no_grad():
                    G.g[0].weight.add_(0.3 * torch.randn_like(G.g[0].weight))
                G.cut = -math.inf if step % 4 == 2 else -1.0 + 0.1 * step
                rec.step(step, d_loss=0.1 * step)
                if crash and step == 7:
                    raise RuntimeError("training crashed")
    except RuntimeError:
        pass
    return gananim.load(path)


def test_snapshots_finished_together_equal_snapshots_finished_one_by_one(tmp_path):
    """The Recorder finishes image snapshots (quantising, histograms, D scores) in batches at the store's flush:
    the stored arrays are those of finishing each snapshot alone (flush_secs=0: one at a time), bit for bit."""
    alone, together = moving_recording(tmp_path / "alone", 0.0), moving_recording(tmp_path / "together", 1e9)
    assert alone.steps.tolist() == together.steps.tolist() == [0, 2, 4, 6, 8, 10, 11]
    a, b = (dict(np.load(r.path / "chunks" / "000000.npz")) for r in (alone, together))
    assert (
        a.keys() == b.keys() and {"samples", "images", "interp", "density", "d_hist_fake", "class_logits"} <= a.keys()
    )
    for key in a.keys() - {"wall_time"}:  # when each snapshot was taken: two runs, two clocks
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert a["nonfinite"].any() and not a["nonfinite"].all()  # the batches held gaps


def test_probed_snapshots_reach_the_disk_on_flush_and_when_training_crashes(tmp_path):
    torch.manual_seed(0)
    x, _ = blobs(60)
    rec = Recorder(tmp_path / "r", mlp_g(), mlp_d(), data=x, every=1, probes=dataclasses.replace(SMALL, flush_secs=1e9))
    for step in range(3):
        rec.step(step)
    rec.flush()
    assert gananim.load(tmp_path / "r").steps.tolist() == [0, 1, 2]  # read while the run goes on
    rec.close()
    crashed = moving_recording(tmp_path / "crashed", 1e9, crash=True)
    assert crashed.steps.tolist() == [0, 2, 4, 6]  # what was probed before the exception, no final snapshot


def test_a_numpy_classifier_is_stored_with_the_recording(tmp_path):
    """The built-in kind: numpy weights in fixed.npz, real features and class frequencies from its argmax."""

    class Corners:  # the interface gananim.kinds.images.classifier's digits classifier has
        name, accuracy = "corners", 1.0
        w0 = BlobClassifier().masks.numpy().T.copy()

        def features(self, x01):
            return np.maximum(np.asarray(x01).reshape(len(x01), -1) @ self.w0, 0)

        def logits(self, x01):
            return self.features(x01)

        def fixed_arrays(self):
            return {"classifier_w0": self.w0.astype(np.float32)}

        def manifest_entry(self):
            return {"name": self.name, "source": "builtin", "classes": 4, "accuracy": self.accuracy, "features": 4}

    x, labels = blobs(200)
    r = record(tmp_path / "r", mlp_g(), mlp_d(), x, steps=1, classifier=Corners())
    assert r.manifest["classifier"]["source"] == "builtin" and r[0].class_logits is None
    np.testing.assert_array_equal(r.fixed["classifier_w0"], Corners.w0)
    real01 = (to_float(r.fixed["data_samples"], r.value_range) + 1) / 2
    np.testing.assert_allclose(r.fixed["real_features"], Corners().features(real01), rtol=1e-5)
    predicted = Corners().logits(real01).argmax(axis=1)
    np.testing.assert_allclose(r.fixed["data_class_freq"], np.bincount(predicted, minlength=4) / 20)


def test_resumed_image_recording_keeps_its_fixed_arrays(tmp_path):
    x = blobs(80)[0]
    first = record(tmp_path / "r", mlp_g(), mlp_d(), x, steps=4)
    latents, real = first.fixed["latents"].copy(), first.fixed["data_samples"].copy()
    with Recorder(tmp_path / "r", mlp_g(), mlp_d(), data=x, every=3, probes=SMALL, resume=True, seed=5) as rec:
        rec.step(6)
    r = gananim.load(tmp_path / "r")
    assert r.steps.tolist() == [0, 3, 6]
    np.testing.assert_array_equal(r.fixed["latents"], latents)
    np.testing.assert_array_equal(r.fixed["data_samples"], real)
    with pytest.raises(GananimError, match="cannot resume.*records images.*points"):
        Recorder(
            tmp_path / "r",
            nn.Linear(2, 2),
            data=make_target({"kind": "ring", "n": 8, "radius": 1.0, "sigma": 0.05}),
            probes=SMALL,
            resume=True,
        )


def wrong_classifier(x):
    return torch.zeros(len(x), 4, 2)


@pytest.mark.parametrize(
    "G, D, data, kwargs, match",
    [
        (lambda: mlp_g(shape=(2, 8, 8)), None, lambda: blobs(20)[0], {}, r"2 channels .*1 \(grey\) or 3 \(RGB\)"),
        (
            lambda: mlp_g(),
            None,
            lambda: blobs(20, channels=3)[0],
            {},
            r"data's samples have shape \(3, 8, 8\) but the generator outputs \(1, 8, 8\)",
        ),
        (lambda: mlp_g(), None, lambda: np.zeros((20, 4, 8, 8)), {}, "4 channels"),
        (lambda: mlp_g(), None, lambda: np.zeros((20, 65)), {}, r"data's samples have shape \(65,\)"),
        (
            lambda: mlp_g(),
            None,
            lambda: np.where(np.eye(64)[:20] > 0, np.nan, 0).reshape(20, 1, 8, 8),
            {},
            "NaN or inf",
        ),
        (lambda: mlp_g(), None, lambda: None, {}, "pass data= an array or tensor of real samples"),
        (lambda: mlp_g(), None, lambda: [(-1, 1), (-1, 1)], {}, "targets and view boxes are for 1D or 2D data"),
        (
            lambda: mlp_g(),
            None,
            lambda: blobs(20)[0],
            {"classifier": wrong_classifier},
            r"classifier returned \(20, 4, 2\) for 20 samples",
        ),
        (
            lambda: mlp_g(),
            None,
            lambda: blobs(20)[0],
            {"classifier": lambda x: x.reshape(len(x), -1)[:3]},
            r"returned \(3, 64\) for 20",
        ),
        (lambda: mlp_g(), None, lambda: blobs(20)[0], {"labels": np.zeros(20, int)}, "pass classifier= too"),
        (
            lambda: mlp_g(),
            None,
            lambda: blobs(20)[0],
            {"classifier": BlobClassifier(), "labels": np.full(20, 7)},
            r"labels must be .* 0\.\.3",
        ),
        (
            lambda: mlp_g(),
            lambda: mlp_d((1, 4, 4)),
            lambda: blobs(20)[0],
            {},
            "the discriminator rejected samples of shape",
        ),
        (
            lambda: ConvG(),
            None,
            lambda: blobs(20, channels=3)[0],
            {"latent_dim": 7},
            r"generator rejected latents of dimension 7.*check latent_dim",
        ),
        (lambda: mlp_g(), None, lambda: blobs(20)[0], {"latent_dim": 7, "latent_shape": (6,)}, "disagree"),
        (
            lambda: mlp_g(),
            mlp_d,
            lambda: blobs(20)[0],
            {"probes": ProbeOptions(curvature_every=5)},
            "curvature probes are for 1D and 2D",
        ),
    ],
)
def test_bad_image_input_is_one_clear_line(tmp_path, G, D, data, kwargs, match):
    with pytest.raises(GananimError, match=match) as e:
        Recorder(tmp_path / "r", G(), D() if D else None, data=data(), **({"probes": SMALL} | kwargs))
    assert "\n" not in str(e.value)
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_image_models_on_the_gpu(tmp_path):
    x = torch.as_tensor(blobs(60)[0]).cuda()
    r = record(tmp_path / "r", mlp_g().cuda(), mlp_d().cuda(), x, steps=1, classifier=BlobClassifier().cuda())
    assert r[0].samples.dtype == np.uint8 and np.isfinite(r.scalars["d_grad_norm"]).all()


def test_v2_images_fixture_keeps_loading(tmp_path):
    """tests/fixtures/v2-images: the first images recording the Recorder wrote (never rewrite it; see its README)."""
    import shutil
    from pathlib import Path

    from gananim.analysis import analyse

    shutil.copytree(
        Path(__file__).parent / "fixtures" / "v2-images", tmp_path / "v2"
    )  # analysis caches: not beside the fixture
    r = gananim.load(tmp_path / "v2")
    assert (r.kind, r.sample_shape, r.is_image, r.value_range, r.steps.tolist()) == (
        "images",
        (1, 8, 8),
        True,
        (-1.0, 1.0),
        [0, 20, 40, 60, 80, 100],
    )
    assert r.manifest["version"] == 2 and r.manifest["classifier"]["source"] == "user"
    for snap in r:
        assert snap.samples.shape == (48, 1, 8, 8) and snap.samples.dtype == np.uint8
        assert snap.images.shape == (16, 1, 8, 8) and snap.interp.shape == (3, 6, 1, 8, 8)
        assert snap.class_logits.shape == (48, 4) and snap.d_hist_real.sum() == pytest.approx(1, abs=1e-6)
    assert len(analyse(r).steps) == len(r)


def test_reader_refuses_pictures_not_stored_as_levels(tmp_path):
    """A hand-edited chunk whose samples became float would be misread as levels: one line naming the file."""
    import shutil
    from pathlib import Path

    shutil.copytree(Path(__file__).parent / "fixtures" / "v2-images", tmp_path / "v2")
    chunk_file = tmp_path / "v2" / "chunks" / "000000.npz"
    with np.load(chunk_file) as c:
        chunk = dict(c)
    np.savez(chunk_file, **(chunk | {"samples": chunk["samples"].astype(np.float32)}))
    with pytest.raises(GananimError, match=r"000000.npz is damaged: its 'samples' array is float32.*uint8"):
        gananim.load(tmp_path / "v2")[0]
