"""The `advisor` command line: one module per group of commands."""
