#!/usr/bin/env python3
"""`make bench-eval`: `galley eval` on 2 models x N cases (default 1000) with one assertion and one
LLM judge, through `bedrock-sim` answering every call after a fixed time to first token (default
200 ms), at concurrency C (default 32). Every case costs two calls on each model: the answer, then
the judge's verdict, so the ideal wall time is 2 x 2N / C x TTFT (25 s by default). The figure is
the wall time of the whole `galley eval` process (dataset import, run, scoring, statistics with
10 000-resample bootstrap intervals, reports) against that ideal; the simulator's request log
checks that every cell and every verdict was one call. Figures only: never a failure on time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from compare import MODELS, Sim, base_env, loadavg, measure

BLUEPRINT = "Capitals"
JUDGE = "anthropic.claude-3-5-haiku-20241022-v1:0"
VERDICT = '{"reasoning": "It names the capital.", "score": 5}'


def script_judge(sim: Sim) -> None:
    body = json.dumps({"modelId": JUDGE, "text": VERDICT}).encode()
    req = urllib.request.Request(sim.url + "/_sim/script", data=body, method="POST",
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=30).read()


def one_round(a, sim: Sim, work: Path, cases: Path, round_no: int) -> dict:
    data = Path(tempfile.mkdtemp(prefix="galley-eval-", dir=work))
    home = data / "home"
    home.mkdir()
    env = base_env(home)
    env["GALLEY_BENCH_JUDGE"] = f"bedrock:{JUDGE}"
    subprocess.run([str(a.seed), str(data / "data"), BLUEPRINT], check=True, env=env)
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
    models = ",".join(f"bedrock:{m}" for m in MODELS)
    cmd = [str(a.galley), "eval", BLUEPRINT, "--models", models, "--dataset", str(cases),
           "--concurrency", str(a.concurrency), "--junit", str(data / "junit.xml"), "--json"]
    sim.clear()
    m = measure(cmd, env, data, work, f"galley-eval-{round_no}")
    calls, bad = sim.calls()
    by_model: dict[str, int] = {}
    for r in sim._call("GET", "/_sim/requests"):
        by_model[r.get("modelId") or "?"] = by_model.get(r.get("modelId") or "?", 0) + 1
    note = ""
    try:
        summary = json.loads(m.stdout)
        scored = sum(v["cellsScored"] for v in summary["variants"])
        gate = "pass" if summary["gatePass"] else "FAIL"
        note = f"{scored} cells scored, gate {gate}, exit {m.rc}"
    except (json.JSONDecodeError, KeyError):
        note = f"exit {m.rc}: {m.stderr.strip()[-300:]}"
    if not a.keep:
        shutil.rmtree(data, ignore_errors=True)
    return {"m": m, "calls": calls, "bad": bad, "by_model": by_model, "note": note}


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--ttft-ms", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--galley", type=Path, default=root / "target/release/galley")
    p.add_argument("--sim", type=Path, default=root / "target/release/bedrock-sim")
    p.add_argument("--seed", type=Path, default=root / "target/release/galley-bench-seed")
    p.add_argument("--keep", action="store_true", help="keep the data folders")
    a = p.parse_args()

    calls_needed = 2 * 2 * a.cases
    ideal = calls_needed / a.concurrency * a.ttft_ms / 1000
    work = Path(tempfile.mkdtemp(prefix="galley-bench-eval-"))
    cases = work / "cases.csv"
    rows = ["country,reference"] + [f"Country {i},City {i}" for i in range(a.cases)]
    cases.write_text("\n".join(rows) + "\n")
    print(f"galley eval: 2 models x {a.cases} cases, one assertion + one LLM judge = "
          f"{calls_needed} calls at concurrency {a.concurrency}, bedrock-sim TTFT {a.ttft_ms} ms "
          f"-> ideal {ideal:.2f} s; load average before: {loadavg()}")
    sim = Sim(a.sim, a.ttft_ms, work)
    try:
        script_judge(sim)
        rounds = []
        for r in range(a.rounds):
            res = one_round(a, sim, work, cases, r)
            m = res["m"]
            print(f"  round {r + 1}: {m.wall_s:.2f} s wall ({m.wall_s / ideal:.3f} x ideal), "
                  f"{m.cpu_s:.2f} s CPU, peak RSS {m.maxrss_mb:.0f} MB; sim saw "
                  f"{sum(res['calls'].values())} calls ({res['bad']} not 200): "
                  + ", ".join(f"{n} {k}" for k, n in sorted(res["by_model"].items()))
                  + f"; {res['note']}")
            rounds.append(res)
    finally:
        sim.stop()
    walls = [r["m"].wall_s for r in rounds]
    med = statistics.median(walls)
    print(f"median {med:.2f} s = {med / ideal:.3f} x ideal ({(med / ideal - 1) * 100:+.1f}%; "
          f"target within +10%), CPU {statistics.median(r['m'].cpu_s for r in rounds):.2f} s, "
          f"peak RSS {statistics.median(r['m'].maxrss_mb for r in rounds):.0f} MB; "
          f"load average after: {loadavg()}")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
