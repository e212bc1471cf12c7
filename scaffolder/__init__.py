"""AI Portfolio Scaffolder: generate, track and polish an AI engineer's portfolio projects."""

__version__ = "0.1.0"
