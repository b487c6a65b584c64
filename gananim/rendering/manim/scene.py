"""The base of the explainer scenes in scenes/: title card → training played (slowed around events, captioned)
→ closing card. A scene declares what recordings it needs; the runner gives them in `self.recs`."""

from __future__ import annotations

from dataclasses import dataclass

from manim import FadeIn, FadeOut, Scene

from gananim.errors import GananimError
from gananim.kinds.registry import UNNAMED
from gananim.rendering.manim.clock import Clock
from gananim.rendering.manim.hud import CaptionBar, StepCounter, closing_card, title_card
from gananim.rendering.manim.words import Facts, happenings, verdict
from gananim.rendering.stories import story_lines


@dataclass(frozen=True)
class Needs:
    """What recordings a scene renders from: how many, of which kind of data (gananim.kinds) and dimension, drawn
    as pictures or not, with a discriminator or not."""

    count: int = 1
    data_dim: int | None = 2  # one sample's size, for scenes of points; None: any
    discriminator: bool = True
    example: str = "ring8"  # a preset that fits, for the error message
    kind: str = UNNAMED  # the kind of data's name (gananim.kinds): points unless named, e.g. images (data_dim=None)
    pictures: bool = False  # samples must be pictures (C, H, W)

    def fits(self, rec) -> bool:
        if rec.kind != self.kind or (self.discriminator and not rec.manifest.get("has_discriminator")):
            return False
        return (self.data_dim is None or rec.sample_shape == (self.data_dim,)) and (rec.is_image or not self.pictures)

    def describe(self) -> str:
        n = "one recording" if self.count == 1 else f"{self.count} recordings"
        d = (f"of {self.data_dim}D data" if self.data_dim else f"of {self.kind}") + (
            " with a discriminator" if self.discriminator else ""
        )
        ex = " ".join(f"runs/{e}" for e in self.example.split())
        return f"{n} {d} (e.g. `gananim record {self.example.split()[0]}` then RUN = {ex})"


def describe_rec(rec) -> str:
    m = rec.manifest
    return f"{rec.path} ({rec.kind_of.what(rec)}, {'with' if m.get('has_discriminator') else 'without'} a discriminator, {len(rec)} snapshots)"


class RecordingScene(Scene):
    """Subclasses set NEEDS, TITLE, and implement `layout()` (add the building blocks for self.recs and return
    their Clock). The cards' words: SUBTITLE, INTRO and CLOSING hold only fixed explanation (what the viewer is
    looking at); every claim about what happened comes from the recordings (`findings()`, built with
    gananim.rendering.manim.words from their events and final metrics), so no card contradicts a chart. Override
    `subtitle()`, `intro()` or `findings()` to say more about the recordings."""

    NEEDS = Needs()
    TITLE = "gananim"
    SUBTITLE = ""
    INTRO: tuple[str, ...] = ()
    CLOSING_TITLE = "What we saw"
    CLOSING: tuple[str, ...] = ()
    STORY: str | None = None  # the story the title promises (gananim.rendering.stories), checked on the closing card
    TITLE_SECONDS = 3.0
    TRAIN_SECONDS = 24.0
    HOLD_SECONDS = 1.0
    END_SECONDS = 3.5
    FADE = 0.5
    SLOWMO = 4.0
    recs: list = []

    @classmethod
    def check(cls, recs) -> None:
        """Refuse recordings of the wrong kind or number with one line saying what the scene needs."""
        need = cls.NEEDS
        name = cls.__name__
        if len(recs) != need.count:
            raise GananimError(
                f"scene {name} needs {need.describe()}; got {len(recs)} recording{'s' * (len(recs) != 1)}"
            )
        for rec in recs:
            if not need.fits(rec):
                raise GananimError(f"scene {name} needs {need.describe()}; got {describe_rec(rec)}")
            if len(rec) < 2:
                raise GananimError(
                    f"scene {name} needs a recording with at least 2 snapshots; {rec.path} has {len(rec)}"
                )

    @classmethod
    def seconds(cls) -> float:
        """The video's length (for the progress bar)."""
        return cls.TITLE_SECONDS + 2 * cls.FADE + cls.TRAIN_SECONDS + cls.HOLD_SECONDS + cls.END_SECONDS + 2 * cls.FADE

    def layout(self) -> Clock:
        raise NotImplementedError

    def captions(self, clock: Clock, labels=None) -> CaptionBar:
        labels = labels or [None] * len(self.recs)
        bar = CaptionBar(list(zip(self.recs, labels)), clock)
        self.add(bar.static, bar)
        return bar

    def counter(self, clock: Clock, point) -> StepCounter:
        c = StepCounter(clock, font_size=22).place(point)
        self.add(c.label, c)
        return c

    def names(self) -> list[str]:
        """A label per recording: its preset's name, else its folder's; left/right where those are the same."""
        found = [(r.manifest.get("config") or {}).get("name") or r.path.name for r in self.recs]
        if len(set(found)) < len(found):
            found = [r.path.name for r in self.recs]
        if len(set(found)) < len(found):
            found = [f"{n} ({side})" for n, side in zip(found, ("left", "right", "third", "fourth"))]
        return found

    def facts(self) -> list[Facts]:
        if getattr(self, "_facts", None) is None or len(self._facts) != len(self.recs):
            self._facts = [Facts.of(r, n) for r, n in zip(self.recs, self.names())]
        return self._facts

    def subtitle(self) -> str:
        return self.SUBTITLE

    def intro(self) -> list[str]:
        return list(self.INTRO)

    def findings(self) -> list[str]:
        """What the recordings show, from their numbers: where each game ended and what was detected on the way."""
        lines = []
        for f in self.facts():
            if "value" in f.final:
                lines.append(verdict(f))
            lines += happenings(f, ("mode_hop", "collapse", "sway", "vanishing_gradient", "divergence"))
        return lines

    def construct(self) -> None:
        card = title_card(self.TITLE, self.subtitle(), self.intro())
        self.play(FadeIn(card), run_time=self.FADE)
        self.wait(self.TITLE_SECONDS)
        self.play(FadeOut(card), run_time=self.FADE)
        clock = self.layout()
        self.play(clock.animate(self.TRAIN_SECONDS, self.SLOWMO))
        self.wait(self.HOLD_SECONDS)
        for m in self.mobjects:
            m.clear_updaters()
        shown = list(self.mobjects)
        end = closing_card(self.CLOSING_TITLE, self.closing_lines())
        self.play(FadeOut(*shown), run_time=self.FADE)
        self.play(FadeIn(end), run_time=self.FADE)
        self.wait(self.END_SECONDS)

    def closing_lines(self) -> list[str]:
        # the title's promise checked by numbers: a scene whose story does not hold on these recordings says so
        return list(self.CLOSING) + self.findings() + story_lines(self.STORY, self.recs)
