"""RecorderCallback: record a PyTorch Lightning GAN by adding one callback to the Trainer.

    from gananim.lightning import RecorderCallback
    trainer = Trainer(callbacks=[RecorderCallback("runs/ring8", data=target, every=10)])
    trainer.fit(gan)   # a LightningModule with `generator` and `discriminator` attributes

The clock is the number of generator updates, not `trainer.global_step`: Lightning counts every optimizer's
steps there (a D and a G step per batch make 2 per batch), and a GAN's "step" is a generator update. They are
counted by a hook on the optimizer that holds the generator's parameters, so manual optimisation (any number of
D steps per G step), automatic optimisation (one optimizer) and gradient accumulation all count alike. Step 0,
the models before any update, is recorded when training starts.

Unless `loss=`/`d_output=` are passed, the Recorder starts at the first back-propagated loss (still before any
update), whose autograd graph says the game (gananim.record.game_graph: a hinge's margin, a critic's linear loss, a
classifier's sigmoid/BCE), and the manifest says so (`loss_inferred`).

Each generator update is passed to the Recorder when its batch ends, once what the module logged with `self.log`
in that batch is in `trainer.callback_metrics`: every update's values are kept (`Recording.dense`) and a snapshot's
are its scalars. They stay tensors until the Recorder's flush (gananim.record.scalars): reading a CUDA tensor per update
would wait for the device each time. (A second generator update in the same batch is passed first, just before
it changes the weights.) Under several processes only global rank 0 records; the others' callbacks do nothing.
"""

from __future__ import annotations

import inspect
import operator

from gananim.errors import GananimError
from gananim.extras import require, require_torch

require_torch()
pl = require("lightning.pytorch", "lightning", "gananim.lightning", also=("pytorch_lightning",))

import torch  # noqa: E402

from gananim.record.game_graph import game_of_d_loss, ops_above, output_node  # noqa: E402
from gananim.record.recorder import Recorder  # noqa: E402  (after the checks: one line, not a traceback, if either is missing)

# Recorder arguments the callback sets itself; every other Recorder option passes through.
OWN = {"self", "path", "generator", "discriminator", "data", "every"}
RECORDER_OPTIONS = frozenset(inspect.signature(Recorder).parameters) - OWN


class RecorderCallback(pl.Callback):
    """Records the LightningModule's generator and discriminator every `every` generator updates.

    RecorderCallback(path, data=None, every=None, *, generator="generator", discriminator="discriminator",
                     **recorder_options)

    - `generator`/`discriminator`: the module's attributes holding them (dotted paths work: "nets.g");
      discriminator=None records the generator alone.
    - `recorder_options`: any other `gananim.Recorder` argument (probes=, latent_dim=, loss=, overwrite=, ...).
    `generator_updates` is the clock; it is saved in Lightning checkpoints, so a resumed fit continues it
    (pass resume=True to continue the recording too).
    """

    def __init__(
        self,
        path,
        data=None,
        every: int | None = None,
        *,
        generator: str = "generator",
        discriminator: str | None = "discriminator",
        **recorder_options,
    ):
        unknown = sorted(set(recorder_options) - RECORDER_OPTIONS)
        if unknown:
            raise GananimError(
                f"RecorderCallback() got an unknown option {unknown[0]}=; it takes gananim.Recorder's "
                f"options ({', '.join(sorted(RECORDER_OPTIONS))})"
            )
        for role, name in (("generator", generator), ("discriminator", discriminator)):
            if not (isinstance(name, str) and name) and not (role == "discriminator" and name is None):
                raise GananimError(
                    f"RecorderCallback({role}=...) names the LightningModule's attribute holding the "
                    f"{role} (a string such as {role!r}), got {name!r}"
                )
        self.path, self.data, self.every, self.options = path, data, every, recorder_options
        self.names = (generator, discriminator)
        self.recorder: Recorder | None = None
        self.generator_updates = 0
        self._trainer = None
        self._hooks: list = []
        self._pending = False  # a generator update not yet passed to the Recorder
        self._models = None  # (G, D) until the Recorder starts
        self._scored: list = []  # D's output nodes until then: the first loss's graph says the game

    # --- finding the models and the clock ---------------------------------------------------------

    def _module(self, pl_module, role: str):
        """The generator or discriminator: the attribute named for it on the LightningModule."""
        name = self.names[role == "discriminator"]
        if name is None:
            return None
        try:
            return operator.attrgetter(name)(pl_module)
        except AttributeError:
            hint = "; or discriminator=None to record the generator alone" if role == "discriminator" else ""
            raise GananimError(
                f"{type(pl_module).__name__} has no attribute {name!r} holding the {role}: name it with "
                f"RecorderCallback(..., {role}='ATTRIBUTE'){hint}"
            ) from None

    @staticmethod
    def _generator_optimizer(optimizers, generator):
        """The optimizer whose steps update the generator: the first that holds one of its parameters."""
        ours = {id(p) for p in generator.parameters()}
        for opt in optimizers:
            if any(id(p) in ours for group in opt.param_groups for p in group["params"]):
                return opt
        raise GananimError(
            "no optimizer from configure_optimizers() holds the generator's parameters: RecorderCallback "
            "counts generator updates by that optimizer's steps"
        )

    # --- Lightning hooks ----------------------------------------------------------------------------

    def on_train_start(self, trainer, pl_module) -> None:
        if not trainer.is_global_zero:  # one recording per run, written by rank 0
            return
        self._trainer = trainer
        generator, discriminator = self._module(pl_module, "generator"), self._module(pl_module, "discriminator")
        opt = self._generator_optimizer(trainer.optimizers, generator)
        self._models = (generator, discriminator)
        self._hooks = [
            opt.register_step_pre_hook(self._before_generator_update),
            opt.register_step_post_hook(self._after_generator_update),
        ]
        if discriminator is None or "loss" in self.options or "d_output" in self.options:
            self._start()
        else:  # the game is read from the first loss's graph (on_before_backward), before any weight moves
            self._scored = []
            self._hooks.append(discriminator.register_forward_hook(self._on_discriminator))

    def _on_discriminator(self, module, args, out) -> None:
        node = output_node(out)
        if node is not None and len(self._scored) < 64:
            self._scored.append(node)

    def on_before_backward(self, trainer, pl_module, loss) -> None:
        if self.recorder is None and self._models is not None and trainer.is_global_zero:
            ops = ops_above(getattr(loss, "grad_fn", None), self._scored)
            self._scored = []
            self._start(game_of_d_loss(ops), how="the first loss Lightning back-propagated")

    def _start(self, inferred: dict | None = None, how: str = "") -> None:
        """The Recorder, and step 0: the models before any update. `inferred`: the game read from a loss's graph."""
        generator, discriminator = self._models
        self._models = None
        if len(self._hooks) > 2:  # the discriminator's forward hook: not needed once the game is known
            self._hooks.pop().remove()
        inferred = {k: (v, f"{how}: {why}") for k, (v, why) in (inferred or {}).items()}
        self.recorder = Recorder(
            self.path, generator, discriminator, self.data, self.every, inferred=inferred, **self.options
        )
        self.recorder.step(self.generator_updates)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        self._record_pending()

    def on_train_end(self, trainer, pl_module) -> None:
        if self.recorder is None and self._models is not None:  # no loss was ever back-propagated
            self._start()
        if self.recorder is None:
            return
        self._record_pending()
        if self.generator_updates % self.recorder.every:  # the last update, with what was logged last
            self.recorder.snapshot(self.generator_updates, self._logged())
        self._close(final_snapshot=False)

    def on_exception(self, trainer, pl_module, exception) -> None:
        self._close(final_snapshot=False)  # what was flushed stays; no snapshot of a state that failed

    def teardown(self, trainer, pl_module, stage: str) -> None:
        self._close(final_snapshot=False)

    def state_dict(self) -> dict:
        return {"generator_updates": self.generator_updates}

    def load_state_dict(self, state_dict: dict) -> None:
        self.generator_updates = int(state_dict.get("generator_updates", 0))

    # --- recording ----------------------------------------------------------------------------------

    def _before_generator_update(self, optimizer, args, kwargs) -> None:
        self._record_pending()  # a second update in one batch: record the first before the weights move

    def _after_generator_update(self, optimizer, args, kwargs) -> None:
        self.generator_updates += 1
        self._pending = True

    def _record_pending(self) -> None:
        if not self._pending or self.recorder is None:
            return
        self._pending = False
        self.recorder.step(self.generator_updates, self._logged())

    def _logged(self) -> dict:
        """What the module logged with self.log, as one-element tensors or numbers (read at the Recorder's flush):
        `x` for a value logged on step and epoch, not its `x_step`/`x_epoch` copies; a metric named `step` too."""
        metrics = self._trainer.callback_metrics
        out = {}
        for name, value in metrics.items():
            base, _, suffix = name.rpartition("_")
            if suffix in ("step", "epoch") and base in metrics:
                continue
            if isinstance(value, torch.Tensor) and value.numel() == 1 or isinstance(value, (int, float)):
                out[name] = value  # anything else is not a single number: nothing to plot
        return out

    def _close(self, final_snapshot: bool) -> None:
        for hook in self._hooks:
            hook.remove()
        self._hooks = []
        if self.recorder is not None:
            self.recorder.close(final_snapshot=final_snapshot)
