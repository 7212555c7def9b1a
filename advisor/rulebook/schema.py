"""JSON Schemas of the file formats, generated from the pydantic models (the single source of truth).

Editors use them through the `# yaml-language-server: $schema=...` line at the top of each rule file.
"""

from __future__ import annotations

import json
from pathlib import Path

from advisor.files import write_atomic
from advisor.rulebook.formats import FILE_MODELS


def schema_texts() -> dict[str, str]:
    """File name -> schema JSON text, deterministic (sorted keys, trailing newline)."""
    out = {}
    for kind, model in FILE_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        out[f"{kind}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in schema_texts().items():
        path = directory / name
        write_atomic(path, text.encode())
        paths.append(path)
    return paths
