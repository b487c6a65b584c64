"""The inverse transform method (a uniform pushed through the inverse CDF becomes N(0, 1)) beside what a
trained 1D generator learned (seeds/002, seeds/003). Recordings from presets inverse-cdf and gauss-1d; they
are synchronised on their share of training, not on step.

    gananim scene scenes/transform_method.py runs/inverse-cdf runs/gauss-1d
"""

from manim import Text

from gananim.manim.blocks import INK, Clock, Goodfellow1D, StepCounter
from gananim.manim.scene import Needs, RecordingScene


class TransformMethod(RecordingScene):
    NEEDS = Needs(count=2, data_dim=1, discriminator=False, example="inverse-cdf gauss-1d")
    TITLE = "The inverse transform method"
    SUBTITLE = "and what a GAN's generator learns instead"
    INTRO = ("Left: uniform z pushed through the inverse CDF of N(0, 1): the exact transform.",
             "Right: a generator trained against a discriminator on the same kind of data.",
             "Where arrows bunch up, mass piles up: the slope of the map is the density.")
    CLOSING = ("The inverse CDF is one transform that works;",
               "a GAN finds its own, approximately, and never exactly.")

    def layout(self) -> Clock:
        exact, trained = self.recs
        clock = Clock(self.recs, sync="progress")
        for rec, x, name in ((exact, -3.5, "inverse transform"), (trained, 3.5, "trained generator")):
            fig = Goodfellow1D(rec, clock, center=(x, 0.35, 0), width=5.9, height=5.6)
            self.add(fig.static, fig)
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.75, 0)))
            counter = StepCounter(clock, rec=rec, font_size=18).place((x - 2.9, -3.05, 0))
            self.add(counter.label, counter)
        self.captions(clock, labels=["inverse transform", "trained"])
        return clock


SCENE = TransformMethod
