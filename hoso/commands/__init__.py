"""The ``hoso`` sub-commands, one module per group, loaded only when their command runs (``hoso.cli``).

A handler takes the parsed arguments (and, for tests, an ``out`` stream) and returns an ``ExitCode``;
what it cannot do it raises as a ``HosoError``, which ``hoso.cli.main`` turns into one line and a code.
"""

from __future__ import annotations

from typing import TextIO

from schemas.errors import ExitCode


def inputs_exit_code(total: int, failed: int) -> ExitCode:
    """``ok`` when no input was refused, ``all_failed`` when every one was, else ``input_failed``."""
    if not failed:
        return ExitCode.ok
    return ExitCode.all_failed if failed >= total else ExitCode.input_failed


def write_table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    """A plain text table, columns as wide as their widest cell; ``(none)`` for no rows."""
    if not rows:
        out.write("(none)\n")
        return
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")
