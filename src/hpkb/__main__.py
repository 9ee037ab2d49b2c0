"""`python -m hpkb` runs the CLI."""

from hpkb.cli import main

if __name__ == "__main__":  # not when a second process (hpkb.reuse.parallel) imports it
    main()
