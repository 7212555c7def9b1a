"""The rulebook layer: the file formats, safe YAML reading, human error messages, loading and compiling."""
