"""The lab's conditional digits (issue 20, point 2): train.conditional, the digits-conditional preset, G(z, y) and
D(x, y) built from the unconditional models, labelled real batches, and a tiny run recorded with a row per class."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gananim.errors import GananimError
from gananim.lab import presets
from gananim.lab.config import config_from_dict
from gananim.lab.image_data import make_data
from gananim.lab.image_models import ConditionalDiscriminator, ConditionalGenerator
from gananim.lab.state import LabState
from gananim.lab.train import fit, run
from gananim.recording.reader import load


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    """The built-in classifier trains into a cache of this module's own, never the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        yield


def _tiny(**changes):
    cfg = presets.load_preset("digits-conditional")
    cfg.steps, cfg.train.batch_size = 4, 16
    cfg.record.every, cfg.record.image_samples, cfg.record.image_real, cfg.record.n_images = 2, 32, 32, 20
    for key, value in changes.items():
        setattr(cfg.train, key, value)
    return cfg.validate()


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_the_models_take_the_label_as_one_hot_columns(arch):
    cfg = _tiny()
    cfg.generator.arch = cfg.discriminator.arch = arch
    lab = LabState(cfg, make_data(cfg.target))
    G, D = lab.generator, lab.discriminator
    assert isinstance(G, ConditionalGenerator) and isinstance(D, ConditionalDiscriminator)
    z, y = lab.latents(5), torch.tensor([0, 3, 9, 3, 1])
    with torch.no_grad():
        x = G(z, y)
        assert x.shape == (5, 1, 8, 8) and D(x, y).shape == (5, 1)
        # the label enters as its one-hot row beside z (as extra channels of a conv G's (n, z, 1, 1) input)
        hot = torch.nn.functional.one_hot(y, 10).float().reshape(5, 10, *z.shape[2:])
        assert torch.equal(x, G.net(torch.cat([z, hot], 1)))
        # another label changes the image: G does not ignore it
        assert not torch.equal(x, G(z, (y + 1) % 10))


def test_a_real_batch_keeps_each_image_its_own_label():
    cfg = _tiny()
    data = make_data(cfg.target)
    lab = LabState(cfg, data)
    images, labels = lab.real_labelled(64)
    flat = data.images.reshape(len(data.images), -1)
    for img, label in zip(images.numpy(), labels.numpy()):
        rows = np.flatnonzero((flat == img.reshape(-1)).all(axis=1))
        assert label in data.labels[rows]


def test_conditional_training_is_deterministic():
    a, b = fit(_tiny()), fit(_tiny())
    for p, q in zip(a.generator.parameters(), b.generator.parameters()):
        assert torch.equal(p, q)


def test_a_tiny_run_records_a_row_per_digit(tmp_path):
    out = run(_tiny(), tmp_path / "run")
    r = load(out)
    cond = r.manifest["conditional"]
    assert cond["n_classes"] == 10 and cond["names"] == [str(k) for k in range(10)] and cond["grid_cols"] == 2
    assert r.manifest["n_images"] == 20 and r.fixed["grid_labels"].tolist() == [k // 2 for k in range(20)]
    assert r.manifest["config"]["train"]["conditional"] is True
    assert r.steps.tolist() == [0, 2, 4]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"target": {"kind": "ring", "n": 8, "radius": 2.0, "sigma": 0.05}}, "train.conditional needs labelled image"),
        ({"train": {"conditional": True, "fixed_real": 100}}, "train.fixed_real draws unlabelled points"),
    ],
)
def test_what_the_lab_cannot_condition_is_refused(tmp_path, changes, message):
    data = presets.load_preset("digits-conditional").to_dict()
    for key, value in changes.items():
        data[key] = {**data[key], **value} if key == "train" else value
    if "target" in changes:
        data["generator"]["kind"] = data["discriminator"]["kind"] = "mlp"
    with pytest.raises(GananimError, match=message):
        run(config_from_dict(data), tmp_path / "x")
