#!/usr/bin/env python3
"""Checks a GitHub Models `.prompt.yml` file: YAML, the schema beside this script, and what the
Models runner needs to run it.

    check_prompt_yml.py FILE

The format has no installable official parser, so the file is read with PyYAML and validated
against `prompt-yml.schema.json` (written from the format's documented field list): a failure
there is an error. Then the text is checked against how the runner (`gh models eval`) fills it;
a mismatch is a warning, since the runner still runs the file but sends or compares some text
as written:

- message placeholders are replaced by plain text substitution of `{{name}}`, so a placeholder
  with spaces, a filter or an expression (`{{ name }}`, `{{ x | upper }}`) and a Jinja block
  (`{% if %}`) would reach the model as written;
- every test data row must give a value for every placeholder, or that row's prompt keeps it;
- `jsonSchema` must be a JSON string with `name` and `schema`;
- string evaluators' values are filled the same way from the test data row, so each of their
  placeholders must be plain and given by every row too.

Prints, as JSON: the name, model, model parameters, messages, placeholders, test data columns
and rows, evaluators by kind, the first test row's rendered messages as the runner would send
them, every error and every warning. Exits 1 on an error, 2 when FILE is not readable YAML.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA = Path(__file__).with_name("prompt-yml.schema.json")
# what the runner replaces: `{{` + a test data key + `}}`, nothing else
PLAIN = re.compile(r"\{\{([A-Za-z0-9_.-]+)\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
BLOCK = re.compile(r"\{%.*?%\}", re.DOTALL)


def substitute(text: str, row: dict[str, Any]) -> str:
    """The runner's substitution: each key's `{{key}}` replaced by the value as text."""
    for key, value in row.items():
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif value is None:
            shown = "<nil>"
        else:
            shown = str(value)
        text = text.replace("{{" + str(key) + "}}", shown)
    return text


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_prompt_yml.py FILE", file=sys.stderr)
        return 2
    path = Path(sys.argv[1])
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        print(f"{path}: not readable YAML: {e}", file=sys.stderr)
        return 2

    errors: list[str] = []  # the file is not in the format: the runner refuses it or drops parts
    warnings: list[str] = []  # the runner runs it, but sends or compares some text as written
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        errors.append(f"schema: {where}: {e.message}")
    if not isinstance(doc, dict):
        print(json.dumps({"errors": errors}, indent=2))
        print(f"{path}: not a mapping", file=sys.stderr)
        return 1

    messages = [m for m in doc.get("messages") or [] if isinstance(m, dict)]
    placeholders: list[str] = []
    for i, m in enumerate(messages):
        content = m.get("content") if isinstance(m.get("content"), str) else ""
        for raw in ANY_PLACEHOLDER.findall(content):
            if PLAIN.fullmatch("{{" + raw + "}}"):
                if raw not in placeholders:
                    placeholders.append(raw)
            else:
                warnings.append(f"messages/{i}: `{{{{{raw}}}}}` is not a plain `{{{{name}}}}` "
                              "placeholder: the runner would send it as written")
        for block in BLOCK.findall(content):
            warnings.append(f"messages/{i}: `{block}` is template logic the runner does not run: "
                          "it would send it as written")

    rows = [r for r in doc.get("testData") or [] if isinstance(r, dict)]
    for i, row in enumerate(rows):
        missing = [p for p in placeholders if p not in row]
        if missing:
            warnings.append(f"testData/{i}: no value for {', '.join(missing)}: the prompt would "
                          "keep the placeholder")

    if doc.get("responseFormat") == "json_schema" and isinstance(doc.get("jsonSchema"), str):
        try:
            parsed = json.loads(doc["jsonSchema"])
            for key in ("name", "schema"):
                if not isinstance(parsed, dict) or key not in parsed:
                    errors.append(f"jsonSchema: no `{key}`")
        except json.JSONDecodeError as e:
            errors.append(f"jsonSchema: not JSON: {e}")

    evaluators = []
    for i, ev in enumerate(doc.get("evaluators") or []):
        if not isinstance(ev, dict):
            continue
        kind = next((k for k in ("string", "llm", "uses") if k in ev), None)
        entry: dict[str, Any] = {"name": ev.get("name"), "kind": kind}
        if kind == "string" and isinstance(ev["string"], dict):
            entry.update(ev["string"])
            for op, value in ev["string"].items():
                if not isinstance(value, str):
                    continue
                for raw in ANY_PLACEHOLDER.findall(value):
                    where = f"evaluators/{i}/string/{op}"
                    if not PLAIN.fullmatch("{{" + raw + "}}"):
                        warnings.append(f"{where}: `{{{{{raw}}}}}` is not a plain `{{{{name}}}}` "
                                      "placeholder: the runner would compare with it as written")
                        continue
                    for j, row in enumerate(rows):
                        if raw not in row:
                            warnings.append(f"{where}: testData/{j} has no `{raw}`: the runner "
                                          f"would compare that case's answer with `{{{{{raw}}}}}`")
        elif kind == "uses":
            entry["uses"] = ev["uses"]
        elif kind == "llm" and isinstance(ev["llm"], dict):
            entry["modelId"] = ev["llm"].get("modelId")
        evaluators.append(entry)

    first = rows[0] if rows else {}
    out = {
        "name": doc.get("name"),
        "description": doc.get("description"),
        "model": doc.get("model"),
        "modelParameters": doc.get("modelParameters"),
        "responseFormat": doc.get("responseFormat"),
        "messages": messages,
        "placeholders": placeholders,
        "testDataColumns": sorted({str(k) for r in rows for k in r}),
        "testData": rows,
        "evaluators": evaluators,
        "firstTestMessages": [
            {"role": m.get("role"), "content": substitute(str(m.get("content", "")), first)}
            for m in messages
        ],
        "errors": errors,
        "warnings": warnings,
    }
    print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    for kind, found in (("error", errors), ("warning", warnings)):
        if found:
            print(f"{path}: {len(found)} {kind}(s):", file=sys.stderr)
            for e in found:
                print(f"  {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
