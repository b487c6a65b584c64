"""Which game a recording shows: its losses and what D's output is, read from the manifest (numpy only, no torch).

Every stage that puts D's numbers into words reads them here, so a view, a dashboard panel and an event rule never
disagree about the game. The families are the ones people train with:

    minimax, nonsaturating   Goodfellow et al. 2014: D a classifier (logits or probabilities), V(G, D) against −2 log 2
    least_squares            LSGAN (Mao et al. 2017, a=0, b=1, c=1): D's raw output, regressed on 0 (fake) / 1 (real)
    wasserstein              WGAN (Arjovsky et al. 2017) and WGAN-GP (Gulrajani et al. 2017): an unbounded critic;
                             E D(real) − E D(fake) estimates the Wasserstein-1 distance (the weight clipping or the
                             gradient penalty is the user's: the recording names the game, not the penalty)
    hinge                    Lim & Ye 2017, Miyato et al. 2018 (SN-GAN), BigGAN: an unbounded critic with a margin at
                             ±1; G's loss −E D(G(z)) as in WGAN
    relativistic_average     RaSGAN (Jolicoeur-Martineau 2018): an unbounded critic C read relative to the other
                             batch, D_ra(x_r) = σ(C(x_r) − E C(x_f)), D_ra(x_f) = σ(C(x_f) − E C(x_r)); its value
                             E log D_ra(x_r) + E log(1 − D_ra(x_f)) is −2 log 2 where real and fake score alike

`d_output` is "logits" or "probs" for a classifier (the recording stores D's probability on its grid) and "critic" for
unbounded scores (stored as they are). A manifest without these fields (gananim before critics) is a classifier with
the nonsaturating loss on logits: old recordings keep their meaning.

`d_scores` says how D's stored scores (`d_grid`, `d_real`, `d_fake`) were taken: "sigmoid" (σ of D's logit, what
every recording stored before LSGAN spoke its own game) or "raw" (D's output as it is: written by the points kind's
recordings of the least-squares game, whose D(x) is regressed on 0 (fake) and 1 (real), D*(x) = p_data / (p_data +
p_g), ½ where G matches the data (Mao et al. 2017, Prop. 1 with a=0, b=1)). A manifest without it is "sigmoid", so
a least-squares recording made before keeps reading as it did; a raw one stores the LSGAN objective as `ls_value`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gananim.errors import GananimError

LOSSES = ("minimax", "nonsaturating", "least_squares", "wasserstein", "hinge", "relativistic_average")
CRITIC_LOSSES = ("wasserstein", "hinge", "relativistic_average")  # games whose D outputs unbounded scores
D_OUTPUTS = ("logits", "probs", "critic")
D_SCORES = ("sigmoid", "raw")  # how the stored D scores were taken (the manifest's `d_scores`)
# the dashboard's panels that a game renames (Game.panel_title): the names each may take
PANEL_TITLES = {"critic gap": ("Wasserstein estimate",), "discriminator": ("relativistic D_ra", "LSGAN D, raw means")}
LS_OPTIMUM = 0.25  # the LSGAN D objective ½ E (D(x) − 1)² + ½ E D(G(z))² at D = ½ everywhere (p_g = p_data)
# common spellings, each the family it names (the penalty is the user's business: WGAN-GP is a Wasserstein game)
ALIASES = {
    "gan": "minimax",
    "saturating": "minimax",
    "non_saturating": "nonsaturating",
    "ns": "nonsaturating",
    "lsgan": "least_squares",
    "wgan": "wasserstein",
    "wgan_gp": "wasserstein",
    "wgan_clip": "wasserstein",
    "wasserstein_gp": "wasserstein",
    "wasserstein_clip": "wasserstein",
    "ragan": "relativistic_average",
    "rasgan": "relativistic_average",
    "relativistic": "relativistic_average",
}


def loss_family(loss) -> str:
    """The family a loss name means ("wgan-gp" → "wasserstein"); one line naming the choices for anything else."""
    key = loss.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(loss, str) else loss
    key = ALIASES.get(key, key)
    if key not in LOSSES:
        raise GananimError(
            f"loss must be one of {', '.join(LOSSES)} (or wgan-gp, wgan-clip, hinge, ragan ...), got {loss!r}"
        )
    return key


def check_pair(loss: str, d_output: str) -> None:
    """A critic's loss needs unbounded scores and a classifier's loss a classifier's output: one line for a mix."""
    if d_output not in D_OUTPUTS:
        raise GananimError(f"d_output must be 'logits', 'probs' or 'critic', got {d_output!r}")
    if loss in CRITIC_LOSSES and d_output != "critic":
        raise GananimError(
            f"loss={loss!r} is played by a critic with unbounded scores: pass d_output='critic' (or leave it out)"
        )
    if loss not in CRITIC_LOSSES and d_output == "critic":
        raise GananimError(
            f"d_output='critic' is for the critics' losses ({', '.join(CRITIC_LOSSES)}); "
            f"loss={loss!r} needs D's logits or probabilities"
        )


@dataclass(frozen=True)
class Game:
    """The game of one recording, with the words its numbers are shown under."""

    loss: str
    d_output: str
    d_scores: str = "sigmoid"

    @property
    def regression(self) -> bool:
        """D's stored scores are LSGAN's raw regression outputs (0 fake, 1 real; not probabilities, not clipped), and
        the game's value is the scalar `ls_value` against LS_OPTIMUM."""
        return self.loss == "least_squares" and self.d_scores == "raw"

    @property
    def value_name(self) -> str | None:
        """The scalar that holds this game's value, None where the game has none (a critic's: its gap instead)."""
        if self.regression:
            return "ls_value"
        return "value" if self.classic_value else None

    @property
    def critic(self) -> bool:
        """D's stored scores (`d_grid`, per-sample scores) are unbounded critic values, not probabilities."""
        return self.d_output == "critic"

    @property
    def classic_value(self) -> bool:
        """V(G, D) = E log D(x) + E log(1 − D(G(z))) against −2 log 2 is this game's value (recorded as `value`)."""
        return self.loss in ("minimax", "nonsaturating", "relativistic_average")

    @property
    def gap_title(self) -> str:
        """The title of E D(real) − E D(fake) (the scalar `critic_gap`)."""
        return "Wasserstein estimate" if self.loss == "wasserstein" else "critic gap"

    def panel_title(self, title: str) -> str:
        """A dashboard panel's title in this game (one of PANEL_TITLES' names, or the title as it is): the critic gap
        is the Wasserstein estimate in a Wasserstein game; the relativistic game's D is D_ra (σ of C(x) minus the
        other batch's mean score); LSGAN's D is its raw output, regressed on 0 (fake) and 1 (real)."""
        if title == "critic gap":
            return self.gap_title
        if title == "discriminator" and self.loss == "relativistic_average":
            return "relativistic D_ra"
        return "LSGAN D, raw means" if title == "discriminator" and self.regression else title

    @property
    def name(self) -> str:
        """How `info` and titles name the game."""
        return {
            "minimax": "minimax (saturating) GAN",
            "nonsaturating": "non-saturating GAN",
            "least_squares": "least-squares GAN",
            "wasserstein": "Wasserstein GAN (critic)",
            "hinge": "hinge-loss GAN (critic)",
            "relativistic_average": "relativistic average GAN (critic)",
        }[self.loss]

    @property
    def generator_loss(self) -> str:
        """G's loss in symbols, as the gradients view labels its arrows."""
        return {
            "minimax": "E log(1 − D(G(z)))",
            "nonsaturating": "−E log D(G(z))",
            "least_squares": "½ E (D(G(z)) − 1)²",
            "wasserstein": "−E D(G(z))",
            "hinge": "−E D(G(z))",
            "relativistic_average": "−E log D_ra(G(z)) − E log(1 − D_ra(x))",
        }[self.loss]

    @property
    def arrow_label(self) -> str:
        """What the gradients view's arrows are: −∇ₓ of G's loss at each sample, named by its formula."""
        return {
            "minimax": "arrows: −∇ₓ log(1 − D)  (G's loss E log(1 − D(G(z))))",
            "nonsaturating": "arrows: ∇ₓ log D  (G's loss −E log D(G(z)))",
            "least_squares": "arrows: −∇ₓ ½(D(x) − 1)²  (G's loss ½ E (D(G(z)) − 1)²)"
            if self.regression
            else "arrows: ∇ₓ log D  (G's loss ½ E (D(G(z)) − 1)²)",  # a recording from before raw scores
            "wasserstein": "arrows: ∇ₓ D  (G's loss −E D(G(z)))",
            "hinge": "arrows: ∇ₓ D  (G's loss −E D(G(z)), hinge game)",
            "relativistic_average": "arrows: −∇ₓ of G's RaGAN loss",
        }[self.loss]


def game_of(manifest: dict) -> Game:
    """The recording's game; a manifest from before critics (no loss, no d_output) is the non-saturating game on logits,
    and one without `d_scores` stored σ of D's logits."""
    loss = manifest.get("loss") or "nonsaturating"
    d_output = manifest.get("d_output") or "logits"
    try:
        loss = loss_family(loss)
    except GananimError:
        loss = "nonsaturating"  # validation refuses a bad one on read; this keeps a hand-made manifest drawable
    d_scores = manifest.get("d_scores") if manifest.get("d_scores") in D_SCORES else "sigmoid"
    return Game(loss, d_output if d_output in D_OUTPUTS else "logits", d_scores)


__all__ = [
    "ALIASES",
    "CRITIC_LOSSES",
    "D_OUTPUTS",
    "D_SCORES",
    "Game",
    "LOSSES",
    "LS_OPTIMUM",
    "check_pair",
    "game_of",
    "loss_family",
]
