"""Conditional GANs (issue 20, point 2): G(z, y) and D(x, y) recorded with `conditional=Labels(...)`. Known models
make the answers checkable: G(z, y) draws class y's blob (so a grid row shows its class), D(x, y) scores how lit
class y's corner of x is (so D's stored scores are checked against the formula on each sample's own label)."""

import json

import numpy as np
import pytest
import torch
from torch import nn

import gananim
from gananim import Labels, ProbeOptions, Recorder
from gananim.errors import GananimError
from gananim.kinds.images import info as images_info
from gananim.kinds.images.pixels import to_float
from gananim.kinds.points.targets import make_target
from tests.test_recorder_images import CORNERS, LATENT, SMALL, blobs, mlp_d, mlp_g

K = len(CORNERS)


def corner_masks() -> torch.Tensor:
    masks = torch.zeros(K, 64)
    for k, (r, c) in enumerate(CORNERS):
        m = torch.zeros(8, 8)
        m[r : r + 2, c : c + 2] = 1
        masks[k] = m.ravel()
    return masks


class BlobG(nn.Module):
    """G(z, y): class y's blob on a dark background, shifted a little by z (one-hot rows accepted with one_hot)."""

    def __init__(self, one_hot=False):
        super().__init__()
        self.one_hot, self.w = one_hot, nn.Parameter(torch.tensor(0.05))
        self.register_buffer("masks", corner_masks())
        self.seen = []

    def forward(self, z, y):
        self.seen.append(y.detach().clone())
        lit = y.to(self.masks.dtype) @ self.masks if self.one_hot else self.masks[y]
        return (-1 + 2 * lit + self.w * z.mean(1, keepdim=True)).clamp(-1, 1).reshape(-1, 1, 8, 8)


class BlobD(nn.Module):
    """D(x, y): a logit of how lit class y's corner of x is (4 pixels: from -4 to 4), scaled by a parameter."""

    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.tensor(0.7))
        self.register_buffer("masks", corner_masks())

    def forward(self, x, y):
        return self.a * (x.reshape(len(x), -1) @ self.masks.T).gather(1, y.reshape(-1, 1))


def reference_d(images01: np.ndarray, y: np.ndarray, a: float = 0.7) -> np.ndarray:
    """BlobD's sigmoid in numpy, on images (n, 1, 8, 8) and classes y (n,)."""
    logits = a * (images01.reshape(len(images01), -1) @ corner_masks().numpy().T)[np.arange(len(y)), y]
    return 1 / (1 + np.exp(-logits))


class PointsG(nn.Module):
    """G(z, y) of 2D points: the class moves the point."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)

    def forward(self, z, y):
        return self.lin(z) + y.reshape(-1, 1)


def record_cond(path, G=None, D=None, steps=4, every=3, conditional=None, **kw):
    x, labels = blobs(200)
    G = BlobG() if G is None else G
    D = BlobD() if D is None else D
    conditional = conditional or Labels(K, names=["top left", "top right", "bottom left", "bottom right"])
    with Recorder(path, G, D, data=x, labels=labels, latent_dim=LATENT, every=every, probes=SMALL,
                  conditional=conditional, **kw) as rec:  # fmt: skip
        for step in range(steps):
            rec.step(step, d_loss=0.5, g_loss=0.7)
    return gananim.load(path), x, labels


def test_each_grid_row_is_one_class_and_its_images_show_that_class(tmp_path):
    r, _, _ = record_cond(tmp_path / "r")
    cond = r.manifest["conditional"]
    # 12 grid images of 4 classes: 3 a row, rows in class order, named as given
    assert cond == {
        "n_classes": 4,
        "names": ["top left", "top right", "bottom left", "bottom right"],
        "encoding": "index",
        "grid_cols": 3,
    }
    assert r.manifest["n_images"] == 12
    info = dict(images_info.rows(r))["labels"]
    assert info == (
        "conditional G(z, y), D(x, y): 4 classes (top left, top right, bottom left, bottom right) as class indices; "
        "the grid has a row per class, 3 per row"
    )
    assert r.fixed["grid_labels"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    # the stored samples cycle through the classes a row (3 samples) at a time
    assert r.fixed["latent_labels"].tolist() == [(i // 3) % 4 for i in range(SMALL.image_samples)]
    assert r.fixed["interp_labels"].tolist() == [0, 1]
    for snap in (r[0], r[-1]):
        images = to_float(snap.images, r.value_range).reshape(12, 8, 8)
        for i, img in enumerate(images):
            row, col = CORNERS[i // 3]  # BlobG lights exactly that class's corner
            assert img[row : row + 2, col : col + 2].min() > 0.8
            assert np.delete(img.ravel(), np.flatnonzero(corner_masks()[i // 3].numpy())).max() < -0.8


def test_d_scores_every_sample_given_its_own_label(tmp_path):
    r, x, labels = record_cond(tmp_path / "r")
    real01 = to_float(r.fixed["data_samples"], r.value_range)
    # the real batch's labels are its samples' own: BlobD's own classification of them agrees with every one
    lit = (real01.reshape(len(real01), -1) @ corner_masks().numpy().T).argmax(axis=1)
    assert r.fixed["real_labels"].tolist() == lit.tolist()
    snap = r[-1]
    np.testing.assert_allclose(snap.d_real_each, reference_d(real01, r.fixed["real_labels"]), atol=0.02)
    fake01 = to_float(snap.samples, r.value_range)
    np.testing.assert_allclose(snap.d_fake_each, reference_d(fake01, r.fixed["latent_labels"]), atol=0.02)
    # given its own label every sample lights its corner: D is sure (σ(0.7·4) = 0.94); a wrong label would read 0.06
    assert snap.d_fake_each.min() > 0.9 and snap.d_real_each.min() > 0.85


def test_one_hot_labels_reach_g_as_float_rows(tmp_path):
    G = BlobG(one_hot=True)

    class OneHotD(BlobD):
        def forward(self, x, y):
            return super().forward(x, y.argmax(1))

    r, _, _ = record_cond(tmp_path / "r", G=G, D=OneHotD(), conditional=Labels(K, one_hot=True))
    assert r.manifest["conditional"]["encoding"] == "one_hot"
    assert r.manifest["conditional"]["names"] == ["0", "1", "2", "3"]
    y = G.seen[-1]
    assert y.dtype == torch.float32 and y.shape[1] == K and torch.all(y.sum(1) == 1)
    images = to_float(r[-1].images, r.value_range).reshape(12, 8, 8)
    assert all(images[i][CORNERS[i // 3][0], CORNERS[i // 3][1]] > 0.8 for i in range(12))


def test_recording_a_conditional_pair_leaves_training_untouched(tmp_path):
    def train(record: bool):
        torch.manual_seed(3)
        G, D = BlobG(), BlobD()
        opt = torch.optim.SGD([*G.parameters(), *D.parameters()], lr=0.1)
        rec = Recorder(tmp_path / f"r{record}", G, D, data=blobs(50)[0], labels=blobs(50)[1], latent_dim=LATENT,
                       every=1, probes=SMALL, conditional=Labels(K)) if record else None  # fmt: skip
        for step in range(3):
            y = torch.randint(0, K, (8,))
            loss = D(G(torch.randn(8, LATENT), y), y).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if rec:
                rec.step(step)
        if rec:
            rec.close()
        return [p.detach().clone() for p in (*G.parameters(), *D.parameters())]

    for a, b in zip(train(False), train(True)):
        assert torch.equal(a, b)


def test_the_conditional_field_is_checked_on_read(tmp_path):
    record_cond(tmp_path / "r")
    path = tmp_path / "r" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["conditional"]["names"] = ["only one"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(GananimError, match="'conditional' field must be"):
        gananim.load(tmp_path / "r")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # G(z, y) recorded as if unconditional: the raw TypeError of issue 20 becomes one line saying what to pass
        (
            lambda x, y, p: Recorder(p, BlobG(), BlobD(), data=x, latent_dim=LATENT),
            r"refused to be called with one input \(BlobG.forward\(\) missing 1 required positional argument: 'y'\); "
            r"for a conditional GAN, G\(z, y\) and D\(x, y\), pass conditional=gananim.Labels\(n_classes\)",
        ),
        # G(z, y) but D(x): D refuses the label
        (
            lambda x, y, p: Recorder(p, BlobG(), mlp_d(), data=x, labels=y, latent_dim=LATENT, conditional=Labels(K)),
            r"the discriminator refused the call D\(x, y\)",
        ),
        (
            lambda x, y, p: Recorder(p, mlp_g(), BlobD(), data=x, labels=y, conditional=Labels(K)),
            r"the generator refused the call G\(z, y\)",
        ),
        (
            lambda x, y, p: Recorder(p, BlobG(), BlobD(), data=x, latent_dim=LATENT, conditional=Labels(K)),
            "pass labels=",
        ),
        (
            lambda x, y, p: Recorder(
                p, BlobG(), BlobD(), data=x, labels=y[:10], latent_dim=LATENT, conditional=Labels(K)
            ),  # fmt: skip
            "labels= must hold one class per real sample, 200 whole numbers from 0 to 3",
        ),
        (
            lambda x, y, p: Recorder(
                p, BlobG(), BlobD(), data=x, labels=y + 3, latent_dim=LATENT, conditional=Labels(K)
            ),  # fmt: skip
            "values outside that range",
        ),
        (
            lambda x, y, p: Recorder(p, BlobG(), BlobD(), data=x, labels=y, latent_dim=LATENT, conditional=4),
            r"conditional= takes gananim.Labels\(n_classes",
        ),
        (
            lambda x, y, p: Recorder(
                p,
                PointsG(),
                None,
                data=make_target({"kind": "ring", "n": 8, "sigma": 0.1}),
                labels=y,
                conditional=Labels(K),
            ),  # fmt: skip
            r"conditional=Labels\(...\) is for recordings of images or vectors",
        ),
    ],
)
def test_mistakes_are_one_line(tmp_path, build, message):
    x, y = blobs(200)
    with pytest.raises(GananimError, match=message) as e:
        build(x, y, tmp_path / "r")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"n_classes": 1}, "from 2 to 1000"),
        ({"n_classes": True}, "from 2 to 1000"),
        ({"n_classes": 3, "names": ["a", "b"]}, "must list 3 class names"),
        ({"n_classes": 2, "names": "ab"}, "must list 2 class names"),
        ({"n_classes": 2, "one_hot": 1}, "True or False"),
    ],
)
def test_labels_refuses_what_it_cannot_mean(kw, message):
    with pytest.raises(GananimError, match=message):
        Labels(**kw)


def test_a_vectors_recording_takes_labels_too(tmp_path):
    class VecG(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(LATENT + K, 5)

        def forward(self, z, y):
            return self.lin(torch.cat([z, nn.functional.one_hot(y, K).float()], 1))

    class VecD(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(5 + K, 1)

        def forward(self, x, y):
            return self.lin(torch.cat([x, nn.functional.one_hot(y, K).float()], 1))

    x = np.random.default_rng(0).standard_normal((100, 5)).astype(np.float32)
    y = np.arange(100) % K
    with Recorder(tmp_path / "v", VecG(), VecD(), data=x, labels=y, every=1, conditional=Labels(K),
                  probes=ProbeOptions(image_samples=8, image_real=8, image_grad_samples=4)) as rec:  # fmt: skip
        rec.step(0)
    r = gananim.load(tmp_path / "v")
    assert r.manifest["latent_dim"] == LATENT  # inferred: the first layer's 10 inputs less the 4 of the one-hot label
    assert r.fixed["latent_labels"].tolist() == [i % K for i in range(8)]  # no grid: one class after another
    assert np.isfinite(r[0].d_fake_each).all()


def test_the_lightning_callback_records_a_conditional_pair(tmp_path):
    """RecorderCallback passes conditional= and labels= to the Recorder: the Lightning form costs nothing more."""
    pl = pytest.importorskip("lightning.pytorch")
    from gananim.lightning import RecorderCallback

    class CondGAN(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.automatic_optimization = False
            self.generator, self.discriminator = BlobG(), BlobD()

        def training_step(self, batch, batch_idx):
            x, y = batch
            opt_g, opt_d = self.optimizers()
            fake_y = torch.randint(0, K, (len(x),))
            fake = self.generator(torch.randn(len(x), LATENT), fake_y)
            d_loss = -self.discriminator(x, y).mean() + self.discriminator(fake.detach(), fake_y).mean()
            opt_d.zero_grad()
            self.manual_backward(d_loss)
            opt_d.step()
            g_loss = -self.discriminator(self.generator(torch.randn(len(x), LATENT), fake_y), fake_y).mean()
            opt_g.zero_grad()
            self.manual_backward(g_loss)
            opt_g.step()

        def configure_optimizers(self):
            return [
                torch.optim.SGD(self.generator.parameters(), 0.01),
                torch.optim.SGD(self.discriminator.parameters(), 0.01),
            ]

    x, labels = blobs(64)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.as_tensor(x), torch.as_tensor(labels)), batch_size=16
    )
    # the losses above are linear in D's scores, which the callback reads as a critic's game: this test is about the
    # labels, so the game is said (D's logits, the reference's sigmoid)
    callback = RecorderCallback(tmp_path / "run", data=x, labels=labels, every=2, probes=SMALL, latent_dim=LATENT,
                                conditional=Labels(K), loss="nonsaturating", d_output="logits")  # fmt: skip
    trainer = pl.Trainer(max_epochs=1, callbacks=[callback], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, accelerator="cpu")  # fmt: skip
    trainer.fit(CondGAN(), loader)
    r = gananim.load(tmp_path / "run")
    assert r.manifest["conditional"]["grid_cols"] == 3 and r.steps.tolist() == [0, 2, 4]
    real01 = to_float(r.fixed["data_samples"], r.value_range)
    np.testing.assert_allclose(
        r[-1].d_real_each,
        reference_d(real01, r.fixed["real_labels"], a=trainer.model.discriminator.a.item()),
        atol=0.02,
    )


def test_the_views_name_each_row_and_bar_by_its_class_and_say_g_of_z_y(tmp_path):
    from gananim.rendering.tiles import mosaic
    from gananim.rendering.views import Frame, make_style
    from tests.test_recorder_images import BlobClassifier

    names = ["top left", "top right", "bottom left", "bottom right"]
    r, _, _ = record_cond(tmp_path / "r", classifier=BlobClassifier())
    frame = Frame([r], "grid", make_style((1280, 720)))
    grid = frame.views[0]
    frame.render(int(r.steps[-1]))
    # 4 rows of 3: the mosaic laid out a class per row, each row's name on its left, top to bottom
    assert (grid.rows, grid.cols) == (4, 3)
    np.testing.assert_array_equal(np.asarray(grid.image.get_array()), mosaic(r[-1].images, 4, 3, 1))
    rows = sorted((t.get_position()[1], t.get_text()) for t in grid.image.axes.texts if t.get_text() in names)
    assert [text for _, text in rows] == names
    assert "G(z, y): 3 fixed z per class y" in [t.get_text() for t in grid.image.axes.texts]

    frame = Frame([r], "dashboard", make_style((1280, 720)))
    dash = frame.views[0]
    bars = next(p for p in dash.panels if hasattr(p, "poly"))
    assert [t.get_text() for t in bars.ax.get_xticklabels()] == names
    frame.render(int(r.steps[-1]))
    boxes = [t.get_window_extent() for t in bars.ax.get_xticklabels()]  # staggered where they would touch
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    d_hist = next(p for p in dash.parts if p.name == "d-hist")
    assert d_hist.header.entries[1].get_text() == f"━ G(z, y) {np.mean(r[-1].d_fake_each):.3g}"
    assert d_hist.real.axes.get_xlabel().startswith("D(x, y)")


def test_class_names_too_wide_for_their_bars_become_the_class_numbers(tmp_path):
    from gananim.rendering.views import Frame, make_style
    from tests.test_recorder_images import BlobClassifier

    long = ["a rather long first name", "a rather long second one", "a third, as long", "and a fourth, longer"]
    r, _, _ = record_cond(tmp_path / "r", classifier=BlobClassifier(), conditional=Labels(K, names=long))
    frame = Frame([r], "dashboard", make_style((1280, 720)))
    bars = next(p for p in frame.views[0].panels if hasattr(p, "poly"))
    assert [t.get_text() for t in bars.ax.get_xticklabels()] == ["0", "1", "2", "3"]  # the grid's rows, in order
