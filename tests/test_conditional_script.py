"""Zero-edit on conditional GANs (issue 20, point 2): `gananim record -- python script.py` finds G(z, y) and D(x, y)
from the calls (the label: the second positional tensor, class indices or one-hot rows), records the real batch
with its own labels, and says in one line what it saw where the second input is not a class."""

from pathlib import Path

import numpy as np
import pytest

import gananim
from gananim.cli.commands import main
from gananim.kinds.images.pixels import to_uint8

SCRIPT = Path(__file__).parent / "scripts" / "conditional_digits.py"


def record(capsys, tmp_path, *flags):
    pytest.importorskip("sklearn")
    code = main(["record", "--every", "3", "--out", str(tmp_path / "r"), "--", "python", str(SCRIPT), *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("flags, encoding", [((), "index"), (("--one-hot",), "one_hot")])
def test_a_conditional_script_is_recorded_with_its_labels(tmp_path, capsys, flags, encoding):
    from sklearn.datasets import load_digits

    code, out, err = record(capsys, tmp_path, *flags)
    assert code == 0 and "done" in out, err
    r = gananim.load(tmp_path / "r")
    cond = r.manifest["conditional"]
    assert (cond["n_classes"], cond["encoding"], cond["grid_cols"]) == (10, encoding, 6)
    found = r.manifest["config"]["script"]["found"]
    assert found["conditional"].startswith("G(z, y) and D(x, y), y ") and "of 10 classes" in found["conditional"]
    assert r.manifest["latent_shape"] == [16]  # z as the script passed it, not the 24 inputs of G's first layer
    assert r.steps.tolist() == [0, 3, 6, 9]
    # every real sample keeps its own label: look each stored real image up in the data set
    digits = load_digits()
    data = to_uint8(digits.images[:, None].astype(np.float32) / 8 - 1, r.value_range).reshape(len(digits.images), -1)
    for image, label in zip(r.fixed["data_samples"].reshape(len(r.fixed["data_samples"]), -1), r.fixed["real_labels"]):
        rows = np.flatnonzero((data == image).all(axis=1))
        assert len(rows) and label in digits.target[rows]
    assert np.isfinite(r[-1].d_fake_each).all() and np.isfinite(r[-1].d_real_each).all()


def test_a_second_input_that_is_no_class_is_one_line(tmp_path, capsys):
    code, _, err = record(capsys, tmp_path, "--float-label")
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1, err
    assert "the generator takes a second input that is not a class label (float32 shaped (64, 1))" in lines[0]
    assert "conditional=gananim.Labels(K)" in lines[0]


def test_a_label_passed_by_keyword_is_not_seen_and_the_line_says_how_to_pass_it(tmp_path, capsys):
    code, _, err = record(capsys, tmp_path, "--keyword")
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1, err
    assert "the generator needs more than a latent, and no class label was seen in its calls" in lines[0]
    assert "the second positional argument, G(z, y) and D(x, y)" in lines[0]
