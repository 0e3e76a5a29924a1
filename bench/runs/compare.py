#!/usr/bin/env python3
"""`make bench-runs`: a comparison run of `galley run` against promptfoo on the same workload.

Workload: 2 models x N inputs (default 1000) = 2N cells at concurrency C (default 32), every call
answered by `bedrock-sim` after a fixed time to first token (default 200 ms). The ideal wall time
is cells / C x TTFT (12.5 s by default): what a tool with no overhead of its own would take.

Sides, each in a fresh data folder (empty cache) and each checked through the simulator's request
log (`GET /_sim/requests`), so that every cell really was one call:

- galley, Bedrock: `galley run ... --models bedrock:...` through the AWS SDK (ConverseStream,
  SigV4 signed and checked by the simulator);
- galley, OpenAI-compatible: the same run through the simulator's `/v1/chat/completions`, via an
  endpoint saved in Settings (`--models openai:sim/...`), the route promptfoo uses;
- promptfoo (pinned in bench/runs/promptfoo/package-lock.json) on the same route, prompt, inputs,
  parameters and concurrency, without its cache, telemetry, update check or sharing. It writes
  its results into its own database in a temporary folder, as galley writes its history;
- a bare HTTP client (bench/runs/bare_client.py): the same calls with no tool around them, a
  reference that tells what the simulator and this machine allow from what a tool adds.

For each side: wall time, CPU time, and peak RSS. Peak RSS is the kernel's `ru_maxrss` of the
process (largest of it and its waited-for children), and the peak of the RSS summed over its
process tree, polled every 50 ms (catches children that live side by side). Figures only: this
never fails on time or memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MODELS = ("amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0")
BLUEPRINT = "Capitals"
ENDPOINT = "sim"
SYSTEM = "Answer briefly."
USER = "What is the capital of {{ country }}?"
# galley's default model settings (ModelSettings::default), given to promptfoo too
MAX_TOKENS, TEMPERATURE, TOP_P = 512, 0.7, 0.9
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    maxrss_mb: float
    tree_peak_mb: float
    rc: int
    stdout: str
    stderr: str


@dataclass
class Result:
    side: str
    cells: int
    ok_cells: int | None
    calls: dict[str, int]
    bad_status: int
    m: Measured
    notes: list[str] = field(default_factory=list)


def tree_rss_kb(root: int) -> int:
    """RSS summed over `root` and its descendants (from /proc/PID/task/*/children)."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_KB
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict[str, str], cwd: Path, out_dir: Path, name: str) -> Measured:
    """Runs `cmd` to its end: wall time, CPU time, ru_maxrss, and the polled tree peak."""
    out_path, err_path = out_dir / f"{name}.stdout", out_dir / f"{name}.stderr"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        peak = [0]
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                stop.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        stop.set()
        poller.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        maxrss_mb=usage.ru_maxrss / 1024,
        tree_peak_mb=peak[0] / 1024,
        rc=proc.returncode,
        stdout=out_path.read_text(),
        stderr=err_path.read_text(),
    )


class Sim:
    def __init__(self, binary: Path, ttft_ms: int, log_dir: Path):
        self.stderr = open(log_dir / "bedrock-sim.stderr", "w")
        self.proc = subprocess.Popen(
            [str(binary), "--port", "0", "--ttft-ms", str(ttft_ms)],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        prefix = "bedrock-sim listening on "
        if not line.startswith(prefix):
            self.stop()
            sys.exit(f"bedrock-sim did not start: {line!r} (see {log_dir}/bedrock-sim.stderr)")
        self.url = line[len(prefix):]

    def _call(self, method: str, path: str):
        req = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")

    def clear(self) -> None:
        self._call("POST", "/_sim/clear")

    def calls(self) -> tuple[dict[str, int], int]:
        """Requests by operation since the last clear, and how many were not answered 200."""
        counts: dict[str, int] = {}
        bad = 0
        for r in self._call("GET", "/_sim/requests"):
            counts[r["operation"]] = counts.get(r["operation"], 0) + 1
            bad += r["status"] != 200
        return counts, bad

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # it stops on Ctrl-C
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


def base_env(home: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "LANG", "TERM") if k in os.environ}
    env.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


def run_galley(a, sim: Sim, work: Path, route: str, inputs: Path, round_no: int) -> Result:
    data = Path(tempfile.mkdtemp(prefix=f"galley-{route}-", dir=work))
    home = data / "home"
    home.mkdir()
    seed = [str(a.seed), str(data / "data"), BLUEPRINT]
    if route == "openai":
        seed += [ENDPOINT, sim.url + "/v1"]
    subprocess.run(seed, check=True, env=base_env(home))
    env = base_env(home)
    env.update(
        GALLEY_DATA_DIR=str(data / "data"),
        AWS_ACCESS_KEY_ID="AKIDSIMULATOR",
        AWS_SECRET_ACCESS_KEY="sim-secret-key",
        AWS_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME=sim.url,
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
    )
    if route == "openai":
        models = ",".join(f"openai:{ENDPOINT}/{m}" for m in MODELS)
    else:
        models = ",".join(f"bedrock:{m}" for m in MODELS)
    cmd = [str(a.galley), "run", BLUEPRINT, "--models", models, "--inputs", str(inputs),
           "--concurrency", str(a.concurrency), "--json"]
    sim.clear()
    m = measure(cmd, env, data, work, f"galley-{route}-{round_no}")
    calls, bad = sim.calls()
    ok = None
    notes = []
    try:
        summary = json.loads(m.stdout)
        ok = summary["cellsOk"]
        if summary["cellsFailed"]:
            notes.append(f"{summary['cellsFailed']} cells failed")
    except (json.JSONDecodeError, KeyError):
        notes.append(f"exit {m.rc}: {m.stderr.strip()[-300:]}")
    label = "galley · Bedrock ConverseStream" if route == "bedrock" else "galley · OpenAI-compatible"
    if not a.keep:
        shutil.rmtree(data, ignore_errors=True)
    return Result(label, 2 * a.inputs, ok, calls, bad, m, notes)


def run_bare(a, sim: Sim, work: Path, round_no: int) -> Result:
    cmd = [sys.executable, str(Path(__file__).with_name("bare_client.py")), sim.url, str(a.inputs),
           str(a.concurrency)]
    sim.clear()
    m = measure(cmd, base_env(work), work, work, f"bare-{round_no}")
    calls, bad = sim.calls()
    ok = int(m.stdout) if m.rc == 0 and m.stdout.strip().isdigit() else None
    notes = [] if m.rc == 0 else [f"exit {m.rc}: {m.stderr.strip()[-300:]}"]
    return Result("bare HTTP client (Python, reference)", 2 * a.inputs, ok, calls, bad, m, notes)


def run_promptfoo(a, sim: Sim, work: Path, tests_csv: Path, round_no: int) -> Result:
    folder = Path(tempfile.mkdtemp(prefix="promptfoo-", dir=work))
    (folder / "home").mkdir()
    prompt = json.dumps([
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": USER},
    ])
    provider_config = {
        "apiBaseUrl": sim.url + "/v1",
        "apiKey": "sim-key",
        "max_tokens": MAX_TOKENS,
        "temperature": TEMPERATURE,
        "top_p": TOP_P,
    }
    config = {
        "description": "galley bench-runs",
        "prompts": [prompt],
        "providers": [{"id": f"openai:chat:{m}", "config": provider_config} for m in MODELS],
        "tests": f"file://{tests_csv}",
        "evaluateOptions": {"maxConcurrency": a.concurrency, "cache": False},
        "sharing": False,
    }
    # JSON is YAML: promptfoo reads it as its usual promptfooconfig.yaml
    (folder / "promptfooconfig.yaml").write_text(json.dumps(config, indent=2) + "\n")
    env = base_env(folder / "home")
    env.update(
        PROMPTFOO_CONFIG_DIR=str(folder / "promptfoo"),
        PROMPTFOO_DISABLE_TELEMETRY="1",
        PROMPTFOO_DISABLE_UPDATE="1",
        PROMPTFOO_DISABLE_SHARING="1",
        PROMPTFOO_DISABLE_REMOTE_GENERATION="true",
        PROMPTFOO_SELF_HOSTED="1",
        OPENAI_API_KEY="sim-key",
    )
    entry = a.promptfoo / "node_modules" / "promptfoo" / "dist" / "src" / "entrypoint.js"
    cmd = ["node", str(entry), "eval", "-c", "promptfooconfig.yaml", "--no-cache",
           "--no-table", "--no-progress-bar", "--no-share", "-j", str(a.concurrency)]
    if a.promptfoo_no_write:
        cmd.append("--no-write")
    sim.clear()
    m = measure(cmd, env, folder, work, f"promptfoo-{round_no}")
    calls, bad = sim.calls()
    notes = [] if m.rc == 0 else [f"exit {m.rc}: {m.stderr.strip()[-300:]}"]
    ok = promptfoo_successes(m.stdout + m.stderr)
    if not a.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return Result(f"promptfoo {a.promptfoo_version} · OpenAI-compatible", 2 * a.inputs, ok, calls,
                  bad, m, notes)


def promptfoo_successes(text: str) -> int | None:
    """The `Successes: N` (or `N passed`) of promptfoo's end-of-eval summary."""
    for pattern in (r"Successes:\s*([\d,]+)", r"([\d,]+)\s+passed"):
        found = re.search(pattern, text)
        if found:
            return int(found.group(1).replace(",", ""))
    return None


def fmt_calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(calls.items())) or "none"


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--galley", type=Path, default=root / "target/release/galley")
    p.add_argument("--sim", type=Path, default=root / "target/release/bedrock-sim")
    p.add_argument("--seed", type=Path, default=root / "target/release/galley-bench-seed")
    p.add_argument("--promptfoo", type=Path, default=root / "target/bench-promptfoo",
                   help="folder with node_modules/promptfoo (npm ci of bench/runs/promptfoo)")
    p.add_argument("--inputs", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--ttft-ms", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3, help="rounds of every side (median shown)")
    p.add_argument("--sides", default="bare,bedrock,openai,promptfoo",
                   help="comma-separated: bare, bedrock, openai, promptfoo")
    p.add_argument("--promptfoo-no-write", action="store_true",
                   help="pass --no-write (promptfoo keeps no results, unlike galley's history)")
    p.add_argument("--keep", action="store_true", help="keep the data folders (printed)")
    a = p.parse_args()
    sides = [s.strip() for s in a.sides.split(",") if s.strip()]
    pkg = a.promptfoo / "node_modules" / "promptfoo" / "package.json"
    a.promptfoo_version = json.loads(pkg.read_text())["version"] if pkg.exists() else "?"
    if "promptfoo" in sides and not pkg.exists():
        sys.exit(f"promptfoo is not installed in {a.promptfoo}: run `make bench-runs`")

    work = Path(tempfile.mkdtemp(prefix="galley-bench-runs-"))
    inputs = work / "inputs.jsonl"
    tests_csv = work / "tests.csv"
    countries = [f"Country {i:04d}" for i in range(1, a.inputs + 1)]
    inputs.write_text("".join(json.dumps({"country": c}) + "\n" for c in countries))
    tests_csv.write_text("country\n" + "".join(f"{c}\n" for c in countries))
    cells = len(MODELS) * a.inputs
    ideal = cells / a.concurrency * a.ttft_ms / 1000

    print(f"workload: {len(MODELS)} models x {a.inputs} inputs = {cells} cells, concurrency "
          f"{a.concurrency}, bedrock-sim TTFT {a.ttft_ms} ms -> ideal {ideal:.2f} s")
    print(f"machine: {os.cpu_count()} CPUs, load average {loadavg()} (1/5/15 min) at start")
    print(f"galley: {a.galley}; promptfoo {a.promptfoo_version} on node "
          f"{subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}")
    sim = Sim(a.sim, a.ttft_ms, work)
    results: dict[str, list[Result]] = {s: [] for s in sides}
    try:
        for r in range(a.rounds):
            order = sides[r % len(sides):] + sides[:r % len(sides)]  # rotate the order
            for side in order:
                if side == "promptfoo":
                    res = run_promptfoo(a, sim, work, tests_csv, r)
                elif side == "bare":
                    res = run_bare(a, sim, work, r)
                else:
                    res = run_galley(a, sim, work, side, inputs, r)
                results[side].append(res)
                print(f"  round {r + 1} {res.side}: {res.m.wall_s:.2f} s, "
                      f"{max(res.m.maxrss_mb, res.m.tree_peak_mb):.1f} MB, "
                      f"{fmt_calls(res.calls)}, load {loadavg()}"
                      + (f"  [{'; '.join(res.notes)}]" if res.notes else ""), flush=True)
    finally:
        sim.stop()

    print()
    print(f"median of {a.rounds} round(s); load average at the end {loadavg()}")
    head = (f"{'tool':<40} {'cells':>5} {'ok':>5}  {'calls seen by the sim':<24} {'wall s':>7} "
            f"{'ideal s':>7} {'x ideal':>7} {'CPU s':>6} {'maxrss MB':>9} {'tree MB':>8}")
    print(head)
    print("-" * len(head))
    med: dict[str, dict[str, float]] = {}
    for side in sides:
        rs = results[side]
        if not rs:
            continue
        wall = statistics.median(x.m.wall_s for x in rs)
        cpu = statistics.median(x.m.cpu_s for x in rs)
        rss = statistics.median(x.m.maxrss_mb for x in rs)
        tree = statistics.median(x.m.tree_peak_mb for x in rs)
        med[side] = {"wall": wall, "rss": max(rss, tree), "cpu": cpu}
        last = rs[-1]
        ok = "?" if last.ok_cells is None else str(last.ok_cells)
        calls = fmt_calls(last.calls) + (f" ({last.bad_status} non-200)" if last.bad_status else "")
        print(f"{last.side:<40} {last.cells:>5} {ok:>5}  {calls:<24} {wall:>7.2f} {ideal:>7.2f} "
              f"{wall / ideal:>7.3f} {cpu:>6.2f} {rss:>9.1f} {tree:>8.1f}")
    print()
    if "promptfoo" in med:
        pf = med["promptfoo"]
        for side in ("bedrock", "openai"):
            if side in med:
                g = med[side]
                print(f"galley ({side}) / promptfoo: wall {g['wall'] / pf['wall']:.2f}x, "
                      f"peak RSS {g['rss'] / pf['rss']:.2f}x, CPU {g['cpu'] / pf['cpu']:.2f}x")
    if "bedrock" in med:
        g = med["bedrock"]
        limit = ideal * 1.05
        print(f"target for galley (Bedrock): wall <= {limit:.2f} s (ideal + 5%) and peak RSS < 60 MB: "
              f"wall {g['wall']:.2f} s {'met' if g['wall'] <= limit else 'missed'}, "
              f"RSS {g['rss']:.1f} MB {'met' if g['rss'] < 60 else 'missed'}")
    print("peak RSS: maxrss = the kernel's ru_maxrss (largest single process of the tree); "
          "tree = RSS summed over the process tree, polled every 50 ms")
    if a.keep:
        print(f"data folders and logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
