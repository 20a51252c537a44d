"""The ``hoso`` sub-commands, one module per group, loaded only when their command runs (``hoso.cli``).

A handler takes the parsed arguments (and, for tests, an ``out`` stream) and returns an ``ExitCode``;
what it cannot do it raises as a ``HosoError``, which ``hoso.cli.main`` turns into one line and a code.
"""

from __future__ import annotations

from schemas.errors import ExitCode


def inputs_exit_code(total: int, failed: int) -> ExitCode:
    """``ok`` when no input was refused, ``all_failed`` when every one was, else ``input_failed``."""
    if not failed:
        return ExitCode.ok
    return ExitCode.all_failed if failed >= total else ExitCode.input_failed
