#!/usr/bin/env python3
"""Build the site: ``python build.py`` (see ``python build.py --help``)."""

from docsite.cli import console

if __name__ == "__main__":
    console()
