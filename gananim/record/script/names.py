"""Names for the modules a script made: the attribute paths that reach them from the script's variables.

The script's globals come first, then the local variables of the frames running it (outermost first), so a model
built in `main()` or held as `self.G` by a training class is named as the script names it. Only at detection time.
"""

from __future__ import annotations

import os
import sys
import types

from torch import nn

from gananim.errors import GananimError

HERE = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)  # the gananim package: its frames name nothing


def _script_frame(frame) -> bool:
    name = frame.f_code.co_filename
    return not (name.startswith(HERE) or "site-packages" in name or name.startswith("<"))


def namespaces(main_globals: dict) -> list[dict]:
    """The script's globals, then the locals of its running frames, outermost first."""
    frames, f = [], sys._getframe(1)
    while f is not None:
        if _script_frame(f) and f.f_code.co_name != "<module>":  # a module-level frame's locals are its globals
            frames.append(f)
        f = f.f_back
    return [main_globals] + [dict(f.f_locals) for f in reversed(frames)]


def module_paths(spaces: list[dict]) -> dict[int, list[str]]:
    """id(module) -> the dotted paths reaching it (`netG`, `gan.G`, `self.discriminator.net.0`), first found first."""
    paths: dict[int, list[str]] = {}

    def add(prefix: str, module: nn.Module) -> None:
        for sub, m in module.named_modules():
            path = f"{prefix}.{sub}" if sub else prefix
            if path not in paths.setdefault(id(m), []):
                paths[id(m)].append(path)

    for space in spaces:
        for var, obj in list(space.items()):
            if var.startswith("__") or isinstance(obj, (type, types.ModuleType, types.FunctionType)):
                continue
            if isinstance(obj, nn.Module):
                add(var, obj)
            elif isinstance(obj, (list, tuple)):  # models kept in a list or tuple: `gans[1][0]`
                for i, value in enumerate(obj[:16]):
                    if isinstance(value, nn.Module):
                        add(f"{var}[{i}]", value)
            elif hasattr(obj, "__dict__"):  # a plain training class holding the models (`self.G`, `gan.D`)
                for attr, value in list(vars(obj).items()):
                    if isinstance(value, nn.Module):
                        add(f"{var}.{attr}", value)
    return paths


def describe(module: nn.Module, paths: dict[int, list[str]]) -> str:
    names = paths.get(id(module))
    return f"{names[0]} ({type(module).__name__})" if names else type(module).__name__


def matching(name: str, modules, paths: dict[int, list[str]], flag: str) -> nn.Module | None:
    """The module NAME names (an attribute path, its last part, or a class name); None if none ran."""
    found = [m for m in modules if any(p == name for p in paths.get(id(m), []))]
    found = found or [m for m in modules if any(p.endswith("." + name) for p in paths.get(id(m), []))]
    found = found or [m for m in modules if type(m).__name__ == name]
    if len(found) > 1:
        raise GananimError(
            f"{flag} {name} names {len(found)} modules ({', '.join(describe(m, paths) for m in found[:4])}); "
            f"pass a longer attribute path, e.g. {flag} {paths.get(id(found[0]), [name])[0]}"
        )
    return found[0] if found else None
