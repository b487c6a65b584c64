"""The orthogonal init with a gain (generator/discriminator init, init_gain): the weights of Metz et al. 2017's
reference code (poolio/unrolled_gan: tf.orthogonal_initializer(gain=1.4)), used to tune the ring8-metz presets."""

from __future__ import annotations

import copy
import tomllib

import pytest
import torch

from gananim.errors import GananimError
from gananim.kinds.points.targets import make_target
from gananim.lab import presets
from gananim.lab.checks import check_config
from gananim.lab.config import ModelConfig, config_from_dict
from gananim.lab.models import build_mlp


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
    assert config_from_dict(_preset("ring8")).generator.init == "default"  # the key may be left out
    base["generator"] |= {"init": "orthogonal", "init_gain": 1.4, "activation": "tanh"}
    cfg = config_from_dict(base)
    assert (cfg.generator.init, cfg.generator.init_gain, cfg.generator.activation) == ("orthogonal", 1.4, "tanh")
    assert (cfg.discriminator.init, cfg.to_dict()["generator"]["init_gain"]) == ("default", 1.4)
    check_config(cfg, make_target(cfg.target))  # a good one passes
    with pytest.raises(GananimError, match="must be a number"):
        config_from_dict(base | {"generator": base["generator"] | {"init_gain": "big"}})
    for where, change, words in [
        ("generator", {"init": "xavier"}, "generator.init must be one of"),
        ("discriminator", {"init_gain": 0.0}, "discriminator.init_gain must be > 0"),
        ("generator", {"init_gain": 11.0}, "generator.init_gain must be > 0 and <= 10"),
        ("generator", {"kind": "linear", "hidden": []}, "generator.init applies to kind 'mlp' only"),
    ]:
        bad = copy.deepcopy(base)
        bad[where] |= change | ({"init": "orthogonal"} if "kind" in change else {})
        cfg = config_from_dict(bad)
        with pytest.raises(GananimError, match=words) as e:
            check_config(cfg, make_target(cfg.target))  # before anything is built or written (train.run)
        assert "\n" not in str(e.value)
    with pytest.raises(GananimError, match="unknown init 'xavier'"):
        build_mlp(ModelConfig(init="xavier"), 2, 1)


def _preset(name: str) -> dict:
    data = tomllib.loads(presets.preset_path(name).read_text(encoding="utf-8"))
    return data | {"name": name}


def test_ring8_metz_presets_follow_the_reference_code():
    # poolio/unrolled_gan: ring of 8, radius 2, sigma 0.02; 2x128 MLPs; z 256 normal; Adam G 1e-3, D 1e-4, beta1 0.5
    # (its batch of 512 is 128 here, for more steps in 3 minutes, and D's lr 1.5e-4, for the unrolled GAN to sharpen
    # within them); the unrolled preset differs only by 5 unrolled Adam steps and its length (the headers say why)
    plain, unrolled = presets.load_preset("ring8-metz"), presets.load_preset("ring8-metz-unrolled")
    assert plain.target == {"kind": "ring", "n": 8, "radius": 2.0, "sigma": 0.02}
    assert (plain.latent.dim, plain.latent.prior, plain.train.batch_size) == (256, "normal", 128)
    assert plain.generator.hidden == plain.discriminator.hidden == [128, 128]
    assert (plain.train.g_optimizer.lr, plain.train.d_optimizer.lr, plain.train.g_optimizer.betas[0]) == (
        1e-3,
        1.5e-4,
        0.5,
    )
    assert (plain.train.unroll_steps, unrolled.train.unroll_steps, unrolled.train.unroll_optimizer) == (0, 5, "adam")
    same = {"steps", "name", "description", "train", "record"}
    a, b = plain.to_dict(), unrolled.to_dict()
    assert {k: v for k, v in a.items() if k not in same} == {k: v for k, v in b.items() if k not in same}
    assert a["train"] | {"unroll_steps": 5} == b["train"]
