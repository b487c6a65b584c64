"""The inverse transform method (a uniform pushed through the inverse CDF becomes N(0, 1)) beside what a
trained 1D generator learned (seeds/002, seeds/003). Recordings from presets inverse-cdf and gauss-1d; they
are synchronised on their share of training, not on step. The closing card measures both (gananim.rendering.manim.words).

    gananim scene scenes/transform_method.py runs/inverse-cdf runs/gauss-1d
"""

import numpy as np
from manim import Text

from gananim.rendering.manim.blocks import INK, Clock, Goodfellow1D, StepCounter
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import fmt, folded


class TransformMethod(RecordingScene):
    NEEDS = Needs(count=2, data_dim=1, discriminator=False, example="inverse-cdf gauss-1d")
    TITLE = "The inverse transform method"
    STORY = "transform_method"
    SUBTITLE = "and what a GAN's generator learns instead"
    INTRO = ("Where arrows bunch up, mass piles up: the slope of the map is the density.",)

    def intro(self) -> list[str]:
        said = {
            " (exact transform)": ": uniform z pushed through the inverse CDF of the data, the exact transform",
            " (trained)": ": a generator trained against a discriminator",
            "": "",
        }
        return [
            f"{side}: {name}{said[_kind(rec)]}." for side, name, rec in zip(("Left", "Right"), self.names(), self.recs)
        ] + list(self.INTRO)

    def findings(self) -> list[str]:
        lines = []
        for rec, f in zip(self.recs, self.facts()):
            close = [
                f"JS(data, G) {fmt(f.last_value('js'), 2)} nats" if np.isfinite(f.last_value("js")) else "",
                f"W1 {fmt(f.last_value('w1'), 2)}" if np.isfinite(f.last_value("w1")) else "",
            ]
            close = ", ".join(c for c in close if c)
            folds = folded(rec)
            if not folds.any():
                shape = "its map z ↦ G(z) never folds back (monotone throughout)"
            else:
                last = ", the last included" if folds[-1] else ", not the last"
                shape = f"its map z ↦ G(z) folds back in {folds.sum()} of {len(folds)} snapshots{last}"
            lines.append(f"{f.name} ends at {close}; {shape}" if close else f"{f.name}: {shape}")
        return lines

    def layout(self) -> Clock:
        exact, trained = self.recs
        clock = Clock(self.recs, sync="progress")
        names = [f"{n}{_kind(r)}" for n, r in zip(self.names(), self.recs)]
        for rec, x, name in ((exact, -3.5, names[0]), (trained, 3.5, names[1])):
            fig = Goodfellow1D(rec, clock, center=(x, 0.35, 0), width=5.9, height=5.6)
            self.add(fig.static, fig, fig.overlay)
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.75, 0)))
            counter = StepCounter(clock, rec=rec, font_size=18).place((x - 2.9, -3.05, 0))
            self.add(counter.label, counter)
        self.captions(clock, labels=self.names())
        return clock


def _kind(rec) -> str:
    """' (exact transform)' or ' (trained)' from the recording's config and manifest; '' where neither says."""
    if ((rec.manifest.get("config") or {}).get("train") or {}).get("method") == "transform":
        return " (exact transform)"
    return " (trained)" if rec.manifest.get("has_discriminator") else ""


SCENE = TransformMethod
