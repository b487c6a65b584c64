"""The lab options that Metz et al. 2017's reference setup needs (the ring8-metz presets): the orthogonal init
with a gain (generator/discriminator init, init_gain) and simultaneous D and G updates (train.simultaneous)."""

from __future__ import annotations

import copy
import tomllib

import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.lab import game, presets
from gananim.lab.config import Config, LatentConfig, ModelConfig, OptimConfig, config_from_dict
from gananim.lab.models import build_mlp
from gananim.lab.state import LabState
from gananim.record import objectives


def test_orthogonal_init_gives_gain_times_orthonormal_weights_and_zero_biases():
    torch.manual_seed(0)
    net = build_mlp(ModelConfig(hidden=[128, 128], activation="tanh", init="orthogonal", init_gain=1.4), 256, 2)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    assert [tuple(m.weight.shape) for m in linears] == [(128, 256), (128, 128), (2, 128)]
    for m in linears:
        w = m.weight.detach().double()
        # the shorter side's Gram matrix is gain^2 times the identity (tf.orthogonal_initializer's definition)
        gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        assert torch.allclose(gram, 1.4**2 * torch.eye(len(gram), dtype=torch.float64), atol=1e-5)
        assert torch.count_nonzero(m.bias) == 0
    assert isinstance(net[1], torch.nn.Tanh)


def test_default_init_is_torchs_and_draws_nothing_more():
    # every preset without `init` must build the very weights it built before the option existed
    torch.manual_seed(3)
    net = build_mlp(ModelConfig(hidden=[4]), 2, 1)
    torch.manual_seed(3)
    first, last = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)
    after_reference = torch.get_rng_state()
    assert torch.equal(net[0].weight, first.weight) and torch.equal(net[2].bias, last.bias)
    torch.manual_seed(3)
    build_mlp(ModelConfig(hidden=[4]), 2, 1)
    assert torch.equal(torch.get_rng_state(), after_reference)


def test_init_keys_parse_and_bad_values_are_one_line_errors():
    base = _preset("ring8-metz")
    cfg = config_from_dict(base)
    assert (cfg.generator.init, cfg.generator.init_gain) == ("orthogonal", 1.4)
    assert cfg.generator.activation == cfg.discriminator.activation == "tanh"
    assert config_from_dict(_preset("ring8")).generator.init == "default"
    for where, key, value, words in [
        ("generator", "init", "xavier", "generator.init must be one of"),
        ("discriminator", "init_gain", 0.0, "discriminator.init_gain must be > 0"),
        ("generator", "init_gain", "big", "must be a number"),
    ]:
        bad = copy.deepcopy(base)
        bad[where][key] = value
        with pytest.raises(GananimError, match=words) as e:
            config_from_dict(bad)
        assert "\n" not in str(e.value)
    bad = copy.deepcopy(base)
    bad["generator"] |= {"kind": "linear", "hidden": []}
    with pytest.raises(GananimError, match="applies to kind 'mlp' only"):
        config_from_dict(bad)
    bad = copy.deepcopy(base)
    bad["train"] |= {"d_steps": 2, "simultaneous": True}
    with pytest.raises(GananimError, match="train.simultaneous needs method 'gan' with d_steps = g_steps = 1"):
        config_from_dict(bad)


def _preset(name: str) -> dict:
    data = tomllib.loads(presets.preset_path(name).read_text(encoding="utf-8"))
    return data | {"name": name}


def _linear_lab(simultaneous: bool) -> LabState:
    cfg = Config(name="sim", seed=1, steps=1)
    cfg.target = {"kind": "gaussian", "mean": [2.0], "sigma": 1.0}
    cfg.view_box = [[-3.0, 5.0]]
    cfg.latent = LatentConfig(dim=1, prior="normal")
    cfg.generator = ModelConfig(arch="linear", hidden=[])
    cfg.discriminator = ModelConfig(arch="linear", hidden=[])
    cfg.train.loss = "minimax"
    cfg.train.batch_size = 8
    cfg.train.simultaneous = simultaneous
    cfg.train.g_optimizer = OptimConfig(name="sgd", lr=0.5)
    cfg.train.d_optimizer = OptimConfig(name="sgd", lr=0.5)
    return LabState(cfg.validate(), make_target(cfg.target))


@pytest.mark.parametrize("simultaneous", [True, False])
def test_simultaneous_update_takes_both_gradients_at_the_old_parameters(simultaneous):
    lab = _linear_lab(simultaneous)
    g0, d0 = copy.deepcopy(lab.generator), copy.deepcopy(lab.discriminator)
    real, z = [], []
    lab.real = lambda n, f=lab.real: real.append(f(n)) or real[-1]
    lab.latents = lambda n, f=lab.latents: z.append(f(n)) or z[-1]
    game.gan_step(lab, 1)
    assert len(real) == 1 and len(z) == (1 if simultaneous else 2)
    # by hand, with plain SGD: D's step from its loss at (D0, G0); G's step from its loss against D0 (simultaneous)
    # or against the stepped D1 (alternating, the lab's default)
    loss_d = objectives.d_loss("minimax", d0(real[0]), d0(g0(z[0]).detach()))
    d1 = copy.deepcopy(d0)
    for p, g in zip(d1.parameters(), torch.autograd.grad(loss_d, list(d0.parameters()))):
        p.data -= 0.5 * g
    judge = d0 if simultaneous else d1
    loss_g = objectives.g_loss("minimax", judge(g0(z[-1])))
    expected_g = [p - 0.5 * g for p, g in zip(g0.parameters(), torch.autograd.grad(loss_g, list(g0.parameters())))]
    for got, want in zip(lab.discriminator.parameters(), d1.parameters()):
        assert torch.allclose(got, want, atol=1e-6)
    for got, want in zip(lab.generator.parameters(), expected_g):
        assert torch.allclose(got, want, atol=1e-6)
