"""``python -m parallax.cli``: the same command line as ``parallax``."""

from parallax.cli import main

main()
