"""The race against JAX in alternating rounds: `adviz bench --suite race --fma --format json`, then
Benchmarks/jax/race_f64.py, three times (or R), on the same machine, which should be otherwise idle.
Prints, for x^2 and poly3, the compiled reverse gradient (strict, and fma: fused multiply-adds as
XLA compiles) beside jax.jit(jax.vmap(jax.grad(f))) in float64: the median over the rounds of each
round's median, the minimum of the minima, and the ratio of the medians; then the fixed cost per call,
and the whole race table of those rounds (every case, method and engine: least minimum / median of the
rounds' medians, in ms, and the largest max error), as docs/benchmarks.md shows it.

    ~/.venvs/peers/bin/python Benchmarks/kernels/race-rounds.py [rounds] [path/to/adviz]
"""
import json
import pathlib
import re
import statistics
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[2]
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
adviz = sys.argv[2] if len(sys.argv) > 2 else str(root / ".build/release/adviz")
runs = {}  # (case, engine) -> [(min, median)] per round
table = {}  # (case, method, engine) -> [(min, median, max error)] per round
calls = []
machine = kernels = ""
for round_ in range(rounds):
    report = json.loads(subprocess.run(
        [adviz, "bench", "--suite", "race", "--fma", "--repetitions", "50", "--format", "json"], check=True, capture_output=True, text=True).stdout)
    machine, kernels = report["machine"], report.get("kernels", {})
    for row in report["rows"]:
        table.setdefault((row["case"], row["method"], row["engine"]), []).append((row["min_ms"], row["median_ms"], row["max_error"]))
        if row["method"] == "reverse" and row["engine"] in ("compiled", "compiled fma"):
            runs.setdefault((row["case"], row["engine"]), []).append((row["min_ms"], row["median_ms"]))
    calls.append(report.get("calls", []))
    text = subprocess.run([sys.executable, str(root / "Benchmarks/jax/race_f64.py"), "100"], check=True, capture_output=True, text=True).stdout
    for line in text.splitlines():
        match = re.match(r"(\S+)\s+jax.*min ([\d.]+) ms, median ([\d.]+) ms", line)
        if match:
            runs.setdefault((match.group(1), "jax"), []).append((float(match.group(2)), float(match.group(3))))
    print(f"round {round_ + 1} of {rounds} done", file=sys.stderr)

print(f"machine: {machine}; kernels: {kernels}; {rounds} alternating rounds")
print(f"{'case':6} {'engine':14} {'median ms':>10} {'min ms':>8} {'vs JAX':>7}")
for case in ("x^2", "poly3"):
    jax = statistics.median(m for _, m in runs[(case, "jax")])
    for engine in ("compiled", "compiled fma", "jax"):
        if (case, engine) not in runs:
            continue
        median = statistics.median(m for _, m in runs[(case, engine)])
        minimum = min(m for m, _ in runs[(case, engine)])
        print(f"{case:6} {engine:14} {median:10.3f} {minimum:8.3f} {median / jax:6.2f}x")
print("fixed cost per call (compiled strict reverse, median µs over the rounds):")
for case in ("x^2", "poly3"):
    for points in (1000, 10000):
        values = [c["median_us"] for report in calls for c in report if c["case"] == case and c["points"] == points]
        if values:
            print(f"  {case:6} n = {points:6}: {statistics.median(values):.1f} µs")
print("the race, min / median ms over the rounds (least minimum, median of the medians), max error:")
engines = []
for (_, _, engine) in table:
    if engine not in engines:
        engines.append(engine)
print("| case | method | " + " | ".join(engines) + " | max error (compiled) |")
print("|---|---|" + "---:|" * (len(engines) + 1))
for case, method in dict.fromkeys((c, m) for c, m, _ in table):
    cells = []
    for engine in engines:
        rows = table.get((case, method, engine))
        cells.append(f"{min(r[0] for r in rows):.2f} / {statistics.median(r[1] for r in rows):.2f}" if rows else "–")
    error = max(r[2] for r in table.get((case, method, "compiled"), [(0, 0, 0)]))
    print(f"| {case} | {method} | " + " | ".join(cells) + f" | {error:.0e} |")
