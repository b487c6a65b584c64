"""Run a Python script in this process as `python train.py ARGS` would: its argv, `__main__`, sys.path[0], exit code.

The working directory stays the caller's (python does not change it either). An exception the script does not catch
prints the script's own traceback, from the script's first frame on (none of gananim's or runpy's), and the exit
code python would give; `sys.exit(...)` inside the script gives its code. Nothing else of the process is changed for
the script: sys.argv and sys.path are put back afterwards.
"""

from __future__ import annotations

import os
import re
import runpy
import sys
import traceback
from pathlib import Path

from gananim.errors import GananimError

PYTHON = re.compile(r"python[\d.]*(\.exe)?$")
USAGE = "gananim record [OPTIONS] -- python train.py ARGS... (or -- train.py ARGS..., or -- python -m MODULE ARGS...)"
OURS = (os.path.dirname(os.path.abspath(__file__)), os.path.abspath(runpy.__file__), "<frozen runpy>")


def parse(command: list[str]) -> tuple[str, str, list[str]]:
    """("path" or "module", the script or module, its arguments) from the command after `--`."""
    if not command:
        raise GananimError(f"give the script to run: {USAGE}")
    first, rest = command[0], list(command[1:])
    if PYTHON.match(os.path.basename(first)):
        if rest[:1] == ["-m"] and len(rest) > 1:
            return "module", rest[1], rest[2:]
        if not rest or rest[0].startswith("-"):
            what = f"python option {rest[0]} is not supported" if rest else "python needs a script"
            raise GananimError(f"{what}: gananim runs the script in its own interpreter; {USAGE}")
        first, rest = rest[0], rest[1:]
    if not os.path.isfile(first):
        raise GananimError(f"no script {first}: {USAGE}")
    return "path", first, rest


def is_command(args) -> bool:
    """`gananim record`'s arguments are a script to run (not a preset name)."""
    return len(args) > 1 or bool(args) and (args[0].endswith(".py") or bool(PYTHON.match(os.path.basename(args[0]))))


def default_out(command: list[str], overwrite: bool = False) -> Path:
    """runs/SCRIPT for the first recording of a script, then runs/SCRIPT-2, -3, ...: two zero-edit runs of one script
    never share a folder (nor, named by it, a video); `overwrite` replaces runs/SCRIPT itself."""
    first = Path("runs") / script_name(*parse(command)[:2])
    if overwrite:
        return first
    n = 1
    while True:
        out = first if n == 1 else first.with_name(f"{first.name}-{n}")
        if not out.exists() or (out.is_dir() and not any(out.iterdir())):
            return out
        n += 1


def script_name(kind: str, target: str) -> str:
    return target.rpartition(".")[2] if kind == "module" else os.path.splitext(os.path.basename(target))[0]


def run(kind: str, target: str, args: list[str], passthrough: type[BaseException]) -> tuple[int, BaseException | None]:
    """(exit code, the exception that ended the script or None). `passthrough` exceptions propagate untouched."""
    saved_argv, saved_path = sys.argv, sys.path[:]
    try:
        if kind == "path":
            sys.argv = [target, *args]
            sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
            runpy.run_path(target, run_name="__main__")
        else:
            sys.argv = [target, *args]
            sys.path.insert(0, os.getcwd())
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        return 0, None
    except passthrough:
        raise
    except SystemExit as e:
        return exit_code(e.code), None
    except BaseException as e:  # the script's own failure (KeyboardInterrupt too): shown as python shows it
        sys.stdout.flush()
        print_script_traceback(e)
        return (130 if isinstance(e, KeyboardInterrupt) else 1), e
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def exit_code(code) -> int:
    """What python exits with for `sys.exit(code)`: None is 0, an integer itself, anything else printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def print_script_traceback(e: BaseException) -> None:
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(OURS):
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb, file=sys.stderr)
    sys.stderr.flush()
