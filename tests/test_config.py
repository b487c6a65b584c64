"""Config validation: every value a TOML file can hold is refused up front when the lab cannot run it.

The cases come from issue 8 (lr = 1e308, betas = [5, -1], a file that is not UTF-8, seed = 99999999999999999999)
and from the same kind of hostile edits: non-finite numbers, absurd sizes, path-like names.
"""

import pytest

from gananim.errors import GananimError
from gananim.lab.config import MAX_LR, SEED_LIMIT, config_from_dict, load_config
from gananim.lab.presets import list_presets, load_preset, preset_path


def ring8(**edits) -> dict:
    """ring8's config as a dict, with `a__b__c=value` edits (a dict path)."""
    data = load_preset("ring8").to_dict()
    for key, value in edits.items():
        *path, last = key.split("__")
        node = data
        for part in path:
            node = node[part]
        node[last] = value
    return data


@pytest.mark.parametrize(
    "edits, words",
    [
        ({"train__g_optimizer__lr": 1e308}, ["train.g_optimizer.lr must be <= 10"]),
        ({"train__d_optimizer__lr": 0.0}, ["train.d_optimizer.lr must be > 0"]),
        ({"train__d_optimizer__betas": [5.0, -1.0]}, ["train.d_optimizer.betas", ">= 0 and < 1"]),
        ({"train__g_optimizer__betas": [0.5, 1.0]}, ["train.g_optimizer.betas"]),
        ({"train__g_optimizer__momentum": 1.0}, ["train.g_optimizer.momentum"]),
        ({"train__g_optimizer__momentum": -0.1}, ["train.g_optimizer.momentum"]),
        ({"seed": 99999999999999999999}, ["seed must be >= 0 and < 2**63", "99999999999999999999"]),
        ({"seed": SEED_LIMIT}, ["seed"]),
        ({"seed": -1}, ["seed"]),
        ({"steps": 10**12}, ["steps must be <="]),
        ({"train__instance_noise": 1e9}, ["train.instance_noise must be <="]),
        ({"train__batch_size": 10**9}, ["train.batch_size must be <="]),
        ({"train__noise_anneal_steps": -1}, ["train.noise_anneal_steps"]),
        ({"train__mmd_bandwidths": [0.1, 0.0]}, ["train.mmd_bandwidths"]),
        ({"train__vae_beta": 1e9}, ["train.vae_beta"]),
        ({"train__unroll_steps": 10**6}, ["train.unroll_steps must be <="]),
        ({"train__pack": 10**6}, ["train.pack must be <="]),
        ({"generator__hidden": [10**7]}, ["generator.hidden sizes must be <="]),
        ({"discriminator__hidden": [8] * 100}, ["discriminator.hidden may list at most"]),
        ({"discriminator__maxout": 10**6}, ["discriminator.maxout must be <="]),
        ({"latent__dim": 10**6}, ["latent.dim must be <="]),
        ({"latent__low": -1e300}, ["latent.low and latent.high"]),
        ({"view_box": [[-1e300, 1.0], [-1.0, 1.0]]}, ["view_box values"]),
        ({"view_box": [[1.0, -1.0], [-1.0, 1.0]]}, ["view_box must be [low, high] pairs"]),
        ({"view_box": [[0.0, 1.0]] * 3}, ["gananim records 1D or 2D data"]),
        ({"record__grid_size": 10**5}, ["record.grid_size must be an integer from 4 to 1,024"]),
        ({"record__latent_grid": 10**4}, ["record.latent_grid must be an integer from 2 to 256"]),
        ({"record__n_samples": 10**8}, ["record.n_samples must be an integer from 1 to 100,000"]),
        ({"record__density_samples": 10**9}, ["record.density_samples must be an integer from 1 to 10,000,000"]),
        ({"record__every": 10**12}, ["record.every must be an integer from 1 to 1,000,000,000"]),
        ({"record__curvature_every": -3}, ["record.curvature_every"]),
        ({"name": "../elsewhere"}, ["name must be a plain folder name"]),
        ({"name": ""}, ["name must be a plain folder name"]),
    ],
)
def test_out_of_range_values_are_refused_naming_the_key(edits, words):
    with pytest.raises(GananimError) as e:
        config_from_dict(ring8(**edits))
    message = str(e.value)
    assert "\n" not in message
    for w in words:
        assert w in message, (w, message)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**400])
def test_numbers_must_be_finite(value):
    with pytest.raises(GananimError, match="train.instance_noise' must be a finite number"):
        config_from_dict(ring8(train__instance_noise=value))


def test_the_bounds_admit_every_preset_and_the_edges():
    for name, _ in list_presets():
        load_preset(name)
    config_from_dict(ring8(train__g_optimizer__lr=MAX_LR, seed=SEED_LIMIT - 1, train__g_optimizer__betas=[0.0, 0.0]))


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(preset_path("ring8").read_bytes() + 'description = "café"\n'.encode("latin-1"))
    with pytest.raises(GananimError, match=r"latin1.toml is not UTF-8 text \(byte 0xe9 at offset \d+\)"):
        load_config(path)


def test_toml_numbers_python_cannot_hold(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text("seed = " + "9" * 5000 + "\n")  # tomllib refuses integers of more than 4300 digits
    with pytest.raises(GananimError, match="holds a value Python cannot read"):
        load_config(path)
    path.write_text("steps = " + "9" * 4000 + "\n")  # readable, but far out of range: the message stays short
    with pytest.raises(GananimError, match="steps must be <=") as e:
        load_config(path)
    assert len(str(e.value)) < 200
