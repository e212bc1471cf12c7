"""The arguments many commands share, as argparse parent parsers: `--json` and a project's NAME,
each said once (`add_parser(..., parents=[PROJECT_NAME, JSON_OUTPUT])`)."""

from __future__ import annotations

import argparse

PROJECT_NAME = argparse.ArgumentParser(add_help=False)
PROJECT_NAME.add_argument("name", help="the project's name, as `scaffolder list` shows it")

JSON_OUTPUT = argparse.ArgumentParser(add_help=False)
JSON_OUTPUT.add_argument("--json", action="store_true", help="machine-readable output")
