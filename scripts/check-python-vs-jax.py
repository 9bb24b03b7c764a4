#!/usr/bin/env python3
"""Checks adviz's Python front end against JAX: value and gradient of random scalar programs
(loops, branches, helper functions, augmented assignment, while, np.where) and of the course
lab's functions, to a relative 1e-9.

adviz runs the file (`adviz trace -f prog.py --function main --at … --format json`); JAX runs
the same source with `np` bound to `jax.numpy` (float64, `jax.grad`, no `jit`).

    python3 -m venv /tmp/venv-jax && /tmp/venv-jax/bin/pip install jax jaxlib
    /tmp/venv-jax/bin/python scripts/check-python-vs-jax.py [--adviz .build/debug/adviz] [--programs 200]

Points where adviz warns of a kink (a comparison's sides equal within rounding) are skipped:
there the two tools may pick different one-sided derivatives, and both are right.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

LAB = '''
import numpy as np

def f(x):
    return x**2

def f_composed(x):
    return np.exp(-2*x) + 3*np.sin(3*x)

def dfdx_abs(x):
    if x > 0:
        return 1.0
    else:
        if x < 0:
            return -1.0
        else:
            return 0.0

def f_polynomial_simple(x):
    return 2*x**3 - 3*x**2 + 5

def f_polynomial(x):
    for i in range(3):
        x = f_polynomial_simple(x)
    return x

def babylonian(a):
    x = a
    for i in range(6):
        x = 0.5*(x + a/x)
    return x

def g(x):
    return np.abs(x)+np.sin(x)*np.cos(x)
'''


def expression(rng, names, depth):
    """A random expression over `names` whose values stay moderate."""
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.2:
            return repr(round(rng.uniform(-2, 2), 3))
        return rng.choice(names)
    a = expression(rng, names, depth - 1)
    b = expression(rng, names, depth - 1)
    return rng.choice([
        f"({a} + {b})", f"({a} - {b})", f"{a}*{b}", f"np.sin({a})", f"np.cos({a})", f"np.tanh({a})",
        f"np.exp(np.sin({a}))", f"np.log(1 + {a}*{a})", f"np.sqrt(1 + {b}**2)", f"abs({a})", f"max({a}, {b})",
        f"min({a}, {b})", f"{a}/(1 + {b}*{b})", f"({a})**2", f"np.arctan({a})", f"-{a}",
    ])


def program(rng):
    """A random program: a helper with locals and `+=`, a `for` loop with branches, a `while`, `np.where`."""
    e = lambda names, d=2: expression(rng, names, d)
    n = rng.randint(1, 4)
    c = round(rng.uniform(0.2, 1.5), 2)
    return f'''import numpy as np

def helper(u, v):
    t = {e(["u", "v"])}
    t += {e(["u", "v"])}
    t *= 0.5
    return t

def main(x, y):
    s = {e(["x", "y"])}
    for i in range(1, {n + 1}):
        s = 0.5*s + {e(["x", "y", "s"])} + 0.1*i
        if s > {c}:
            s -= helper(x, s)
        elif s < -{c} and x < y:
            s = s + {e(["x", "s"])}
        else:
            s *= 0.9
    k = 0
    while abs(s) > 1.0 and k < 4:
        s = s/2
        k += 1
    r = np.where(x > y, x*s, s - y)
    return r + helper(s, y)
'''


def adviz_trace(adviz, path, function, point):
    at = ",".join(repr(float(p)) for p in point)
    run = subprocess.run([adviz, "trace", "-f", path, "--function", function, "--at", at, "--format", "json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip()
    if "warning" in run.stderr and "rounding" in run.stderr:
        return "kink", run.stderr.strip()
    data = json.loads(run.stdout)
    return (data["value"], [data["gradient"][n] for n in data["inputs"]]), ""


def jax_value_and_grad(source, function, point):
    scope = {}
    exec(source.replace("import numpy as np", ""), {"np": jnp, "abs": abs, "max": max, "min": min}, scope)
    scope_fn = scope[function]
    globals_ = scope_fn.__globals__
    globals_.update(scope)
    args = tuple(jnp.float64(p) for p in point)
    value = float(scope_fn(*args))
    grads = jax.grad(scope_fn, argnums=tuple(range(len(point))))(*args)
    return value, [float(g) for g in grads]


def close(a, b, tol=1e-9):
    # adviz's JSON writes a non-finite number as null: JAX's must be non-finite too.
    if a is None:
        return not math.isfinite(b)
    if not math.isfinite(a) or not math.isfinite(b):
        return a == b or (math.isnan(a) and math.isnan(b))
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check(adviz, source, function, point, label, stats):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        got, message = adviz_trace(adviz, path, function, point)
        if got == "kink":
            stats["kinks"] += 1
            return
        if got is None:
            stats["errors"] += 1
            print(f"adviz error on {label} at {point}: {message}\n{source}")
            return
        want = jax_value_and_grad(source, function, point)
        ok = close(got[0], want[0]) and all(close(a, b) for a, b in zip(got[1], want[1]))
        stats["checked"] += 1
        if not ok:
            stats["mismatches"] += 1
            print(f"MISMATCH {label} at {point}: adviz {got}, jax {want}\n{source}")
    finally:
        os.unlink(path)


def check_grad(adviz, source, function, points, label, stats):
    """`adviz grad` at many points (for a function that branches, the compiled kernel with its
    loops and branches, each point on its own path) against JAX at each point."""
    with tempfile.TemporaryDirectory() as folder:
        path, csv = os.path.join(folder, "prog.py"), os.path.join(folder, "points.csv")
        with open(path, "w") as f:
            f.write(source)
        with open(csv, "w") as f:
            f.write("x,y\n" + "".join(f"{x!r},{y!r}\n" for x, y in points))
        run = subprocess.run([adviz, "grad", "-f", path, "--function", function, "--input", csv],
                             capture_output=True, text=True)
        if run.returncode != 0:
            stats["errors"] += 1
            print(f"adviz grad error on {label}: {run.stderr.strip()}\n{source}")
            return
        if "one kernel keeps its loops and branches" in run.stderr:
            stats["control_flow_kernels"] += 1
        rows = [line.split(",") for line in run.stdout.strip().split("\n")[1:]]
        for row, point in zip(rows, points):
            got = [float(v) for v in row[2:]]
            want = jax_value_and_grad(source, function, point)
            stats["grad_checked"] += 1
            if close(got[0], want[0]) and all(close(a, b) for a, b in zip(got[1:], want[1])):
                continue
            traced, _ = adviz_trace(adviz, path, function, point)
            if traced == "kink":
                stats["kinks"] += 1
                continue
            stats["mismatches"] += 1
            print(f"GRAD MISMATCH {label} at {point}: adviz grad {got}, jax {want}\n{source}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--adviz", default=".build/debug/adviz")
    parser.add_argument("--programs", type=int, default=100)
    parser.add_argument("--points", type=int, default=3)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--grad-points", type=int, default=0,
                        help="also run `adviz grad` on this many points of each program (0: off)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stats = {"checked": 0, "mismatches": 0, "errors": 0, "kinks": 0, "grad_checked": 0, "control_flow_kernels": 0}
    for function, points in [("f", [3.0, -1.5]), ("f_composed", [0.5, -0.3]), ("dfdx_abs", [2.0, -2.0]),
                             ("f_polynomial", [2.0, 0.3, -0.7]), ("babylonian", [2.0, 9.0]), ("g", [0.7, -1.3])]:
        for p in points:
            check(args.adviz, LAB, function, [p], f"lab {function}", stats)
    for k in range(args.programs):
        source = program(rng)
        for _ in range(args.points):
            check(args.adviz, source, "main", [rng.uniform(-2, 2), rng.uniform(-2, 2)], f"program {k}", stats)
        if args.grad_points:
            points = [(rng.uniform(-2, 2), rng.uniform(-2, 2)) for _ in range(args.grad_points)]
            check_grad(args.adviz, source, "main", points, f"program {k}", stats)
    print(f"checked {stats['checked']} (program, point) pairs against JAX: {stats['mismatches']} mismatches, "
          f"{stats['errors']} adviz errors, {stats['kinks']} skipped at kinks"
          + (f"; adviz grad at {stats['grad_checked']} points ({stats['control_flow_kernels']} programs by the "
             "compiled kernel with their loops and branches)" if args.grad_points else ""))
    sys.exit(1 if stats["mismatches"] or stats["errors"] else 0)


if __name__ == "__main__":
    main()
