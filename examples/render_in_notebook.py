"""Notebook-style: record a small GAN, then load, analyse, look at one frame and render the video, cell by cell.

Each `# %%` starts a cell (Jupyter's "percent" format: VS Code and JupyterLab's jupytext open it as a notebook), and
the file runs top to bottom as a script too:

    python examples/render_in_notebook.py       # writes runs/notebook/ and, beside it, a PNG frame and an MP4

In a notebook the frame shows inline (IPython's display) and a `Recording` as the last expression of a cell plays
as an inline looping video. GANANIM_EXAMPLE_STEPS sets the training steps, GANANIM_EXAMPLE_OUT the folder.
"""

# %% Record: a two-moons GAN, with the Recorder in the loop (any training loop works: see examples/zero_edit.py)
import os
from pathlib import Path

import numpy as np
import torch
from torch import nn

import gananim
from gananim.analysis import analyse
from gananim.rendering.views import make_style, render_frame

STEPS = int(os.environ.get("GANANIM_EXAMPLE_STEPS", "1500"))
OUT = Path(os.environ.get("GANANIM_EXAMPLE_OUT", "runs"))


def moons(n: int, generator: torch.Generator) -> torch.Tensor:
    """Two interleaving half circles (scikit-learn's make_moons, written out), with a little noise."""
    t = torch.rand(n, generator=generator) * np.pi
    upper = torch.rand(n, generator=generator) < 0.5
    x = torch.where(upper, t.cos(), 1 - t.cos())
    y = torch.where(upper, t.sin(), 0.5 - t.sin())
    return torch.stack([x, y], 1) + 0.05 * torch.randn(n, 2, generator=generator)


torch.manual_seed(0)
rng = torch.Generator().manual_seed(1)
G = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
D = nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
opt_g = torch.optim.Adam(G.parameters(), 1e-3, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(D.parameters(), 1e-3, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
ones, zeros = torch.ones(256, 1), torch.zeros(256, 1)

with gananim.Recorder(OUT / "notebook", G, D, data=moons(2000, rng).numpy(), every=10, overwrite=True) as rec:
    rec.step(0)  # the untrained models
    for step in range(1, STEPS + 1):
        real, fake = moons(256, rng), G(torch.randn(256, 2))
        d_loss = bce(D(real), ones) + bce(D(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = bce(D(fake), ones)
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        rec.step(step, d_loss=d_loss, g_loss=g_loss)

# %% Load: numpy only (no torch needed from here on), readable while a run is still writing it
run = gananim.load(OUT / "notebook")
print(run)
last = run[-1]  # a Snapshot: its step, the 2,500 stored samples, D on the grid, the scalars
print(f"last snapshot: step {last.step}, samples {last.samples.shape}, D(real) {last.scalars['d_real']:.3f}")

# %% Analyse: the metrics from the stored arrays, one value per snapshot, and the events found in them
analysis = analyse(run)
for name in ("d_real", "d_fake", "kl", "mmd"):
    values = analysis.series[name]
    print(f"{name:>6}: first {values[0]:.3f}, last {values[-1]:.3f}")
print("events:", [f"{e.kind} at steps {e.start}-{e.end}: {e.caption}" for e in analysis.events] or "none")

# %% One frame: the last snapshot in the surface view, as an RGBA array (what the video's frames are)
frame = render_frame(run, len(run) - 1, "surface", make_style("640x360"))
try:  # in a notebook: inline
    from IPython import get_ipython
    from IPython.display import display
    from PIL import Image

    if get_ipython() is None:
        raise ImportError
    display(Image.fromarray(frame))
except ImportError:  # as a script: a PNG beside the recording
    from PIL import Image

    Image.fromarray(frame).save(OUT / "notebook-surface-last.png")

# %% The video: returns its path; in a notebook, `run` alone in a cell plays it inline
video = gananim.render(run, view="surface", out=OUT / "notebook-surface.mp4", size="640x360", fps=15)
print(f"wrote {video} ({video.stat().st_size / 1e6:.1f} MB)")
