"""The lab on image data: the digits, MLP and conv image models, the checks, and a digits run recorded end to end."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gananim.analysis import analyse
from gananim.errors import GananimError
from gananim.lab import presets
from gananim.lab.config import config_from_dict
from gananim.lab.image_data import ImageData, make_data
from gananim.lab.train import fit, run
from gananim.recording.reader import load


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    """The built-in classifier trains into a cache of this module's own, never the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        yield


def _tiny(name: str, **train):
    cfg = presets.load_preset(name)
    cfg.steps, cfg.train.batch_size = 4, 16
    cfg.record.every, cfg.record.image_samples, cfg.record.image_real, cfg.record.n_images = 2, 32, 32, 16
    for key, value in train.items():
        setattr(cfg.train, key, value)
    return cfg.validate()


def test_digits_data_draws_images_with_labels():
    data = make_data({"kind": "digits"})
    assert isinstance(data, ImageData) and data.shape == (1, 8, 8) and data.n_classes == 10
    batch = data.sample(5, np.random.default_rng(0))
    assert batch.shape == (5, 1, 8, 8) and batch.dtype == np.float32 and -1 <= batch.min() and batch.max() <= 1
    with pytest.raises(GananimError, match="takes no other keys; remove size"):
        make_data({"kind": "digits", "size": 28})


@pytest.mark.parametrize(
    "name, latent_shape", [("digits", (32,)), ("digits-dcgan", (32, 1, 1)), ("digits-collapse", (32,))]
)
def test_each_digits_preset_trains_images(name, latent_shape):
    lab = fit(_tiny(name))
    assert lab.latent_shape == latent_shape and lab.latents(3).shape == (3, *latent_shape)
    G, D = lab.generator, lab.discriminator
    with torch.no_grad():
        x = G(lab.latents(6))
        assert x.shape == (6, 1, 8, 8) and x.abs().max() <= 1  # tanh: the digits' range
        assert D(x).shape == (6, 1) and D(lab.real(6)).shape == (6, 1)
    if name == "digits-dcgan":
        assert isinstance(G[0], torch.nn.ConvTranspose2d) and any(isinstance(m, torch.nn.Conv2d) for m in D)


def test_digits_training_is_deterministic():
    a, b = fit(_tiny("digits")), fit(_tiny("digits"))
    assert all(torch.equal(p, q) for p, q in zip(a.generator.parameters(), b.generator.parameters()))


@pytest.mark.parametrize(
    "edit, words",
    [
        ({"train": {"method": "mmd"}}, "trains method 'gan'"),
        ({"train": {"pack": 2}}, "train.pack is for 1D/2D targets"),
        ({"train": {"unroll_steps": 2}}, "train.unroll_steps is for 1D/2D targets"),
        ({"view_box": [[-1.0, 1.0], [-1.0, 1.0]]}, "view_box is for 1D/2D targets"),
        ({"generator": {"kind": "conv"}}, "the same kind"),
        ({"generator": {"kind": "linear"}}, "'linear' is for 1D/2D targets"),
    ],
)
def test_image_configs_the_lab_cannot_run_are_refused_in_one_line(edit, words):
    data = presets.load_preset("digits").to_dict()
    for section, values in edit.items():
        data[section] = data[section] | values if isinstance(values, dict) else values
    with pytest.raises(GananimError, match=words) as err:
        fit(config_from_dict(data))
    assert "\n" not in str(err.value)


def test_conv_models_need_image_data():
    cfg = presets.load_preset("ring8").to_dict()
    cfg["generator"]["kind"] = "conv"
    with pytest.raises(GananimError, match="'conv' needs image data"):
        fit(config_from_dict(cfg))


def test_a_digits_run_records_an_images_recording_with_class_coverage(tmp_path):
    cfg = _tiny("digits")
    run(cfg, tmp_path / "d")
    rec = load(tmp_path / "d")
    assert rec.kind == "images" and rec.sample_shape == (1, 8, 8) and rec.value_range == (-1.0, 1.0)
    info = rec.manifest["classifier"]
    assert info["name"] == "digits-mlp" and info["source"] == "builtin" and info["accuracy"] >= 0.95
    assert rec.fixed["data_class_freq"] == pytest.approx(make_data({"kind": "digits"}).class_freq)  # from the labels
    a = analyse(rec)
    assert rec.steps.tolist() == [0, 2, 4]
    assert np.isfinite(a.series["frechet"]).all() and (a.series["classes_captured"] >= 1).all()
    assert sum(a.series[f"class_share_{k}"][-1] for k in range(10)) == pytest.approx(1)
