"""The runs a scene named without recordings needs (`gananim scene collapse`): each preset of its catalogue entry
(gananim.rendering.catalogue) recorded at its defaults into runs/PRESET, or reused when runs/PRESET already holds
it. "Holds it" means its manifest's config is the preset's (same preset, same config, the same number of steps)
and the recording reaches the last step; a recording of the same config that stopped early is resumed; a folder
holding anything else is never overwritten: the user is told to move it or to give the runs explicitly.
"""

from __future__ import annotations

from pathlib import Path

from gananim.errors import GananimError
from gananim.rendering.catalogue import SceneEntry

REUSE, RECORD, RESUME = "reuse", "record", "resume"


def plan_run(path: Path, config: dict) -> tuple[str, str]:
    """What to do about `path` for a run of `config` (a Config's to_dict()): (REUSE | RECORD | RESUME, why)."""
    from gananim.lab.checkpoint import config_difference
    from gananim.recording.reader import load

    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return RECORD, f"{path} does not exist yet"
    try:
        rec = load(path)
    except GananimError:
        raise GananimError(
            f"{path} is in the way: it holds no readable recording; move it away, or give the scene's runs explicitly"
        ) from None
    saved = rec.manifest.get("config")
    diff = config_difference(saved, config) if isinstance(saved, dict) else "config (none saved)"
    if diff is None and saved.get("steps") != config["steps"]:
        diff = f"steps ({saved.get('steps')!r} saved, {config['steps']!r} now)"
    if diff is not None:
        raise GananimError(
            f"{path} holds another recording than preset {config['name']!r} at its defaults (it differs at {diff}); "
            f"move it away, or give the scene's runs explicitly"
        )
    if len(rec) and int(rec.steps[-1]) >= config["steps"]:
        return REUSE, f"{path} already holds {config['name']} at its defaults"
    return RESUME, f"{path} holds {config['name']} up to step {int(rec.steps[-1]) if len(rec) else 0}"


def prepare_runs(entry: SceneEntry, root: Path = Path("runs"), say=print) -> list[Path]:
    """The scene's recordings, in its order: each reused from root/PRESET or recorded (resumed) there first."""
    from gananim.cli.training import print_summary, train_with_progress
    from gananim.lab.presets import load_preset

    paths = []
    for preset in entry.runs:
        cfg = load_preset(preset)
        path = root / preset
        action, why = plan_run(path, cfg.to_dict())
        if action == REUSE:
            say(f"reusing {path} ({why})")
        else:
            say(f"recording {preset} into {path} ({why})")
            again = f"run `gananim scene {entry.name}` again to continue"
            train_with_progress(cfg, path, overwrite=False, resume=action == RESUME, again=again)
            print_summary(path)
        paths.append(path)
    return paths
