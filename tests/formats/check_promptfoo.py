#!/usr/bin/env python3
"""Reads a `promptfooconfig.yaml` with promptfoo itself: its config validation, and optionally a
real evaluation.

    check_promptfoo.py --promptfoo BIN FILE [--eval] [--env NAME=VALUE]... [--providers JSON]

1. `promptfoo validate config -c FILE`: promptfoo's own loader and schema check.
2. With `--eval`: `promptfoo eval -c FILE -o OUT.json`, run from FILE's folder (so `file://`
   paths resolve as they would for a user), then OUT.json is read back.

`--providers` evaluates a copy of FILE whose `providers` are replaced by the given JSON list
(written beside FILE while it runs, then removed): a way to see how promptfoo fills the prompt
and runs the tests of a configuration whose own provider cannot be reached from a test.

Both run hermetically: a temporary HOME and promptfoo config folder, no cache, no telemetry,
update check, sharing or remote generation, and only PATH, LANG and the `--env` variables from
the caller (say the key variable a provider's `apiKeyEnvar` names, or AWS variables).

Prints, as JSON: the promptfoo version, what the file holds (providers, prompts, tests; read
with PyYAML for comparison), the validation's outcome and message, and for an
evaluation its exit code, stats (successes, failures, errors), and every result (prompt label,
provider, vars, output, success, error, assertion types and outcomes). Exits 1 when validation
fails or the evaluation wrote no results, 2 on bad arguments. Failed assertions are results,
not errors of the file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

NOISE = ("Node.js 20 support", "ExperimentalWarning", "--trace-warnings")


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    text = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines()
                     if line.strip() and not any(n in line for n in NOISE))
    return proc.returncode, text


def result_entry(r: dict[str, Any]) -> dict[str, Any]:
    response = r.get("response") or {}
    grading = r.get("gradingResult") or {}
    return {
        "prompt": (r.get("prompt") or {}).get("label"),
        "provider": (r.get("provider") or {}).get("id"),
        "vars": r.get("vars"),
        "output": response.get("output"),
        "success": r.get("success"),
        "error": r.get("error"),
        "assertions": [
            {
                "type": (c.get("assertion") or {}).get("type"),
                "value": (c.get("assertion") or {}).get("value"),
                "pass": c.get("pass"),
            }
            for c in grading.get("componentResults") or []
        ],
    }


def summary(config: Path) -> dict[str, Any]:
    """What the file says (read with PyYAML), for the caller to compare with what it exported:
    providers with their config, prompts, and the tests inline or by reference."""
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        return {}
    tests = doc.get("tests")
    return {
        "description": doc.get("description"),
        "prompts": doc.get("prompts"),
        "providers": doc.get("providers"),
        "defaultTest": doc.get("defaultTest"),
        "tests": tests if isinstance(tests, (list, str)) else None,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--promptfoo", required=True, type=Path, help="the promptfoo executable")
    p.add_argument("--eval", action="store_true", help="run the evaluation too")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--providers", help="JSON list of providers replacing the file's")
    p.add_argument("file", type=Path)
    a = p.parse_args()
    extra = {}
    for item in a.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            print(f"--env {item!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        extra[name] = value
    config = a.file.resolve()
    if not config.is_file():
        print(f"{config}: no such file", file=sys.stderr)
        return 2
    version = "?"
    for folder in a.promptfoo.resolve().parents:  # the package.json above the entry point
        package = folder / "package.json"
        if package.is_file():
            meta = json.loads(package.read_text())
            if meta.get("name") == "promptfoo":
                version = meta.get("version", "?")
                break

    original = config
    if a.providers is not None:
        doc = yaml.safe_load(config.read_text(encoding="utf-8"))
        doc["providers"] = json.loads(a.providers)
        config = config.with_name(f".galley-check-{os.getpid()}-{config.name}")
        config.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    try:
        return check(a, original, config, version, extra)
    finally:
        if config != original:
            config.unlink(missing_ok=True)


def check(a: argparse.Namespace, original: Path, config: Path, version: str,
          extra: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory(prefix="galley-promptfoo-") as tmp:
        home = Path(tmp)
        env = {k: os.environ[k] for k in ("PATH", "LANG") if k in os.environ}
        env.update(
            HOME=str(home),
            PROMPTFOO_CONFIG_DIR=str(home / "promptfoo"),
            PROMPTFOO_DISABLE_TELEMETRY="1",
            PROMPTFOO_DISABLE_UPDATE="1",
            PROMPTFOO_DISABLE_SHARING="1",
            PROMPTFOO_DISABLE_REMOTE_GENERATION="true",
            PROMPTFOO_SELF_HOSTED="1",
            PROMPTFOO_CACHE_ENABLED="false",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        env.update(extra)
        out: dict[str, Any] = {"promptfoo": version, "file": str(original),
                               "config": summary(original)}
        if config != original:
            out["providersReplacedBy"] = json.loads(a.providers)

        failed = False
        if config == original:  # a copy with other providers is evaluated, not validated
            code, text = run([str(a.promptfoo), "validate", "config", "-c", str(config)], env,
                             config.parent)
            out["validate"] = {"ok": code == 0, "exitCode": code, "message": text}
            failed = code != 0

        if a.eval and not failed:
            result_file = home / "out.json"
            code, text = run([str(a.promptfoo), "eval", "-c", str(config), "--no-cache",
                              "--no-table", "--no-progress-bar", "--no-share",
                              "-o", str(result_file)], env, config.parent)
            evaluation: dict[str, Any] = {"exitCode": code, "log": text}
            if result_file.is_file():
                data = json.loads(result_file.read_text())
                results = (data.get("results") or {}).get("results") or []
                stats = (data.get("results") or {}).get("stats") or {}
                evaluation["stats"] = {k: stats.get(k) for k in ("successes", "failures", "errors")}
                evaluation["results"] = [result_entry(r) for r in results]
                if not results:
                    failed = True
                    evaluation["problem"] = "the evaluation wrote no results (aborted?)"
            else:
                failed = True
                evaluation["problem"] = "the evaluation wrote no output file"
            out["eval"] = evaluation

    print(json.dumps(out, indent=2, ensure_ascii=False))
    if failed:
        print(f"{original}: promptfoo {version} did not accept the file; see the JSON above",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
