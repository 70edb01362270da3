"""One module per subcommand, found by :mod:`generator.cli.main` without a list to keep in sync.

Each module defines ``register(sub) -> None`` adding its parser (with Chinese help) and setting
``func`` to a ``run(args) -> int`` that returns the exit code. Together with cli.py this is the
command-line layer: the only code that prints or decides exit codes.
"""
