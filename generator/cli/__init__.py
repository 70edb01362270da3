"""The command-line layer: ``main`` (argument parsing, printing, exit codes) and one module per
subcommand in :mod:`generator.cli.commands`. The only code that reads the environment, prints or
decides an exit code."""

from generator.cli.main import main

__all__ = ["main"]
