#!/usr/bin/env python3
"""Reads a `.prompty` file with the prompty package's own loader, renderer and parser.

    check_prompty.py FILE [--inputs JSON] [--trust ORIGIN]...

Prints, as JSON: the prompty version, the parsed name, description, model (id, provider,
apiType, options, connection kind and endpoint), inputs (name, kind, default, ...), the
template's format and parser kinds, and the messages the file renders to (roles and text) with
the inputs' defaults, overridden by `--inputs`. Exits 1 with the loader's error when the file is
refused, 2 on bad arguments.

The loader is `prompty.load`, as an application calls it: `${env:VAR}` references need their
variables set, and an endpoint outside prompty's trusted origins is refused unless given with
`--trust` (the loader's `trusted_endpoints`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import prompty


def plain(value: Any) -> Any:
    """A JSON-friendly copy of what the loader returned (dataclasses become dicts)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {
            k: plain(getattr(value, k))
            for k in value.__dataclass_fields__
            if not k.startswith("_") and getattr(value, k) is not None
        }
    return str(value)


def message_text(message: Any) -> str:
    parts = getattr(message, "parts", None) or []
    return "".join(getattr(p, "value", "") or "" for p in parts)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path)
    p.add_argument("--inputs", default="{}", help="JSON object of input values")
    p.add_argument("--trust", action="append", default=[], help="an origin to trust")
    a = p.parse_args()
    try:
        inputs = json.loads(a.inputs)
    except json.JSONDecodeError as e:
        print(f"--inputs is not JSON: {e}", file=sys.stderr)
        return 2
    if not isinstance(inputs, dict):
        print("--inputs must be a JSON object", file=sys.stderr)
        return 2

    try:
        agent = prompty.load(a.file, trusted_endpoints=a.trust or None)
    except Exception as e:  # the loader's own refusal, reported as it says it
        print(f"{a.file}: prompty {prompty.__version__} refused the file: "
              f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    try:
        messages = prompty.prepare(agent, inputs)
    except Exception as e:
        print(f"{a.file}: prompty {prompty.__version__} loaded the file but could not render it: "
              f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1

    model = agent.model
    connection = getattr(model, "connection", None) if model else None
    template = agent.template
    out = {
        "prompty": prompty.__version__,
        "name": agent.name,
        "displayName": agent.display_name,
        "description": agent.description,
        "model": None if model is None else {
            "id": model.id,
            "provider": model.provider,
            "apiType": model.api_type,
            "options": None if model.options is None else plain(model.options.save()),
            "connection": None if connection is None else {
                "kind": getattr(connection, "kind", None),
                "endpoint": getattr(connection, "endpoint", None),
            },
        },
        # each input as the loader parsed it, written back in the file's own field names
        "inputs": [plain(i.save()) for i in agent.inputs or []],
        "template": None if template is None else {
            "format": getattr(template.format, "kind", None),
            "parser": getattr(template.parser, "kind", None),
        },
        "metadata": plain({k: v for k, v in (agent.metadata or {}).items()
                           if not str(k).startswith("__")}),
        "messages": [{"role": m.role, "content": message_text(m)} for m in messages],
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
