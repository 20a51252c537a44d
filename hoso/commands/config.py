"""``hoso config``: the settings in effect, from the environment and the defaults (secrets hidden)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from schemas.errors import ExitCode
from schemas.settings import effective_settings, load_settings


def show_config(args: argparse.Namespace, out: TextIO | None = None) -> ExitCode:
    out = out or sys.stdout
    settings = load_settings()
    if args.json:
        out.write(json.dumps(settings.to_json(), ensure_ascii=False, indent=2) + "\n")
        return ExitCode.ok
    shown = effective_settings(settings)
    width = max(len(name) for name, _value in shown)
    for name, value in shown:
        out.write(f"{name.ljust(width)}  {value}".rstrip() + "\n")
    return ExitCode.ok
