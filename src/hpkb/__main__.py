"""`python -m hpkb` runs the CLI."""

from hpkb.cli import main

main()
