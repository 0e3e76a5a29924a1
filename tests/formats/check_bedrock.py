#!/usr/bin/env python3
"""Checks a Bedrock Prompt Management request body against botocore's own service model.

    check_bedrock.py FILE

FILE is the JSON body of `bedrock-agent` `CreatePrompt`. Two passes, both driven by the
`bedrock-agent` service model that ships with botocore:

1. `botocore.validate.ParamValidator`, exactly what a boto3 client runs before sending: required
   members, unknown members, types, minimum lengths and values, tagged unions;
2. the model's other constraints, which the client leaves to the service: maximum lengths and
   values, `pattern` regular expressions and `enum` values.

Prints, as JSON, what was validated (botocore version, API version, operation, the prompt's
name, its variants with template type, model, input variables and the `{{...}}` placeholders of
their texts) and every error found.
Exits 1 when there is any error, 2 when FILE is not readable JSON.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore.validate import ParamValidator

SERVICE, OPERATION = "bedrock-agent", "CreatePrompt"
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def texts(value: Any) -> list[str]:
    """Every `text` string of a template configuration, in order."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        return found + [t for k, v in value.items() if k != "text" for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def placeholders(config: Any) -> list[str]:
    """The `{{...}}` placeholders of the variant's texts, each once, as written inside."""
    seen: list[str] = []
    for text in texts(config):
        for raw in PLACEHOLDER.findall(text):
            if raw not in seen:
                seen.append(raw)
    return seen


def constraint_errors(value: Any, shape: Any, path: str, out: list[str]) -> None:
    """The service model's max, pattern and enum constraints, walked along the value."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if getattr(shape, "is_document_type", False):
            return
        for key, item in value.items():
            if key in shape.members:
                constraint_errors(item, shape.members[key], f"{path}.{key}" if path else key, out)
        return
    if kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"{path}: {len(value)} items, at most {meta['max']} allowed")
        for i, item in enumerate(value):
            constraint_errors(item, shape.member, f"{path}[{i}]", out)
        return
    if kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            constraint_errors(key, shape.key, f"{path} key", out)
            constraint_errors(item, shape.value, f"{path}.{key}", out)
        return
    if kind == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"{path}: {len(value)} characters, at most {meta['max']} allowed")
        if shape.enum and value not in shape.enum:
            out.append(f"{path}: {value!r} is not one of {', '.join(shape.enum)}")
        pattern = meta.get("pattern")
        if pattern is not None:
            try:
                ok = re.fullmatch(pattern, value, flags=re.DOTALL) is not None
            except re.error:
                ok = True  # a pattern Python cannot compile is not judged here
            if not ok:
                out.append(f"{path}: {value!r} does not match the pattern {pattern}")
        return
    if kind in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        if "max" in meta and value > meta["max"]:
            out.append(f"{path}: {value} is above the maximum {meta['max']}")


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_bedrock.py FILE", file=sys.stderr)
        return 2
    path = Path(sys.argv[1])
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{path}: not readable JSON: {e}", file=sys.stderr)
        return 2

    model = botocore.session.get_session().get_service_model(SERVICE)
    shape = model.operation_model(OPERATION).input_shape
    report = ParamValidator().validate(body, shape)
    errors = [line for line in report.generate_report().splitlines() if line.strip()]
    constraints: list[str] = []
    if isinstance(body, dict):
        constraint_errors(body, shape, "", constraints)

    variants = body.get("variants") if isinstance(body, dict) else None
    out = {
        "botocore": botocore.__version__,
        "service": SERVICE,
        "apiVersion": model.api_version,
        "operation": OPERATION,
        "validated": {
            "name": body.get("name") if isinstance(body, dict) else None,
            "defaultVariant": body.get("defaultVariant") if isinstance(body, dict) else None,
            "variants": [
                {
                    "name": v.get("name"),
                    "templateType": v.get("templateType"),
                    "modelId": v.get("modelId"),
                    "inputVariables": [
                        iv.get("name")
                        for cfg in (v.get("templateConfiguration") or {}).values()
                        if isinstance(cfg, dict)
                        for iv in cfg.get("inputVariables") or []
                        if isinstance(iv, dict)
                    ],
                    "placeholders": placeholders(v.get("templateConfiguration")),
                }
                for v in variants or []
                if isinstance(v, dict)
            ],
        },
        "paramValidatorErrors": errors,
        "constraintErrors": constraints,
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    if errors or constraints:
        print(f"{path}: {len(errors) + len(constraints)} error(s) against {SERVICE} "
              f"{OPERATION} (botocore {botocore.__version__}):", file=sys.stderr)
        for e in errors + constraints:
            print(f"  {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
