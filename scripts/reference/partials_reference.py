#!/usr/bin/env python3
"""Reference values of every smooth operation's local partials, at 50 significant digits.

Writes Tests/AdvizKitTests/Golden/partials-reference.json, which PartialsAccuracyTests reads
(the tests need no Python). Each row is an operation, its arguments a and b (doubles, written
so that they read back exactly) and the exact partials at those doubles, rounded to the nearest
double. Points cover wide ranges (log-uniform magnitudes, both signs where defined) and the
places where a naive formula cancels or overflows: tanh and sigmoid far out, asin/acos/atanh
near ±1, acosh near 1 and huge, asinh huge, quotients of huge and tiny numbers.

Run:  python3 -m venv /tmp/venv-mp && /tmp/venv-mp/bin/pip install mpmath
      /tmp/venv-mp/bin/python scripts/reference/partials_reference.py
"""
import json
import math
import os
import random

import mpmath as mp

mp.mp.dps = 50
random.seed(29)


def logu(lo, hi):
    """A double with log-uniform magnitude in [10^lo, 10^hi]."""
    return float(10 ** random.uniform(lo, hi))


def signed(x):
    return x if random.random() < 0.5 else -x


def near(c, lo=-16, hi=-1, side=-1):
    """A double next to c, at a distance 10^k, on `side`."""
    return float(c + side * 10 ** random.uniform(lo, hi))


M = mp.mpf
sigma = lambda x: 1 / (1 + mp.exp(-x))

# op: (partials as mpmath functions of the exact arguments, points)
UNARY = {
    "sin": (lambda a: mp.cos(a), lambda: signed(logu(-8, 5))),
    "cos": (lambda a: -mp.sin(a), lambda: signed(logu(-8, 5))),
    "tan": (lambda a: 1 / mp.cos(a) ** 2, lambda: signed(logu(-8, 3))),
    "exp": (lambda a: mp.exp(a), lambda: signed(logu(-8, 2.8))),
    "log": (lambda a: 1 / a, lambda: logu(-300, 300)),
    "sqrt": (lambda a: 1 / (2 * mp.sqrt(a)), lambda: logu(-300, 300)),
    "tanh": (lambda a: 1 / mp.cosh(a) ** 2, lambda: signed(logu(-8, 2.5))),
    "sigmoid": (lambda a: sigma(a) * sigma(-a), lambda: signed(logu(-8, 2.8))),
    "atan": (lambda a: 1 / (1 + a * a), lambda: signed(logu(-8, 150))),
    "asin": (lambda a: 1 / mp.sqrt(1 - a * a), lambda: signed(random.choice([logu(-8, -0.01), near(1)]))),
    "acos": (lambda a: -1 / mp.sqrt(1 - a * a), lambda: signed(random.choice([logu(-8, -0.01), near(1)]))),
    "sinh": (lambda a: mp.cosh(a), lambda: signed(logu(-8, 2.8))),
    "cosh": (lambda a: mp.sinh(a), lambda: signed(logu(-8, 2.8))),
    "asinh": (lambda a: 1 / mp.sqrt(a * a + 1), lambda: signed(logu(-8, 300))),
    "acosh": (lambda a: 1 / mp.sqrt(a * a - 1), lambda: random.choice([1 + logu(-15, 2), logu(2, 300), near(1, side=1)])),
    "atanh": (lambda a: 1 / (1 - a * a), lambda: signed(random.choice([logu(-8, -0.01), near(1)]))),
    "log10": (lambda a: 1 / (a * mp.log(10)), lambda: logu(-307, 308.2)),
    "log2": (lambda a: 1 / (a * mp.log(2)), lambda: logu(-307, 308.2)),
    "log1p": (lambda a: 1 / (1 + a), lambda: random.choice([signed(logu(-16, -0.01)), logu(0, 300), near(-1, side=1)])),
    "expm1": (lambda a: mp.exp(a), lambda: signed(logu(-16, 2.8))),
    "cbrt": (lambda a: 1 / (3 * mp.cbrt(abs(a)) ** 2), lambda: signed(logu(-323, 308.2))),
    # out to 27.3, where erf′ underflows below the smallest subnormal
    "erf": (lambda a: 2 / mp.sqrt(mp.pi) * mp.exp(-a * a), lambda: signed(random.choice([logu(-8, 1.4), random.uniform(5, 27.3)]))),
}

BINARY = {
    "div": (lambda a, b: (1 / b, -a / b ** 2), lambda: (signed(logu(-150, 300)), signed(logu(-150, 300)))),
    # moderate powers, and huge and tiny bases (the rows whose a^(b−1) or a^b overflows are left out)
    "pow": (lambda a, b: (b * a ** (b - 1), a ** b * mp.log(a)), lambda: random.choice([(logu(-3, 3), signed(logu(-3, 1))), (logu(-300, 300), signed(logu(-3, 0.3)))])),
    # the whole range: x² + y² overflows beyond 1.3e154 and underflows below 1.5e-154
    "atan2": (lambda y, x: (x / (x * x + y * y), -y / (x * x + y * y)), lambda: (signed(logu(-300, 300)), signed(logu(-300, 300)))),
    "hypot": (lambda a, b: (a / mp.sqrt(a * a + b * b), b / mp.sqrt(a * a + b * b)), lambda: (signed(logu(-150, 150)), signed(logu(-150, 150)))),
}

# The cases and the edges a naive formula gets wrong, always in the table.
FIXED = {
    "tanh": [15.0, 20.0, -20.0, 30.0, 300.0],
    "sigmoid": [30.0, -30.0, 100.0, 700.0],
    "asin": [1 - 2 ** -30, -(1 - 2 ** -40), 0.9999999],
    "acos": [1 - 2 ** -30, -(1 - 2 ** -40)],
    "atanh": [1 - 2 ** -30, -(1 - 2 ** -40)],
    "acosh": [1 + 2 ** -30, 1e200, 1.0000001],
    "asinh": [1e200, -1e160],
    "log1p": [-1 + 2 ** -40],
    "log10": [7.866416291390814e307, 1.7e308, 1e-307],
    "log2": [1.2e308, 1e-307],
    "cbrt": [1.9827649108738784e-29, 3.3335486553592205e-283, -414878.1989861455, 5e-324, 1.7976931348623157e308],
}
FIXED["erf"] = [11.4, 23.254636238269292, -26.619157889818815, 27.2]
FIXED_BINARY = {
    "div": [(1e305, 1e155), (-1e-300, 1e-10), (3.0, 1e-160)],
    "pow": [(68.08756206433544, -7.962414115181551), (1.2850246983085536e+294, -0.016643672346366208), (0.3, 8.3)],
    "atan2": [(1e200, 1e200), (-1.1517833908363523e-184, 6.298178484981206e-186), (3.0, -1e-170)],
}


def rounded(x):
    return float(x)  # mpmath rounds to nearest


def main():
    rows = []
    for op, (partial, point) in UNARY.items():
        for a in FIXED.get(op, []) + [point() for _ in range(150)]:
            d = rounded(partial(M(a)))
            if math.isfinite(d) and d != 0 and (op != "erf" or abs(d) >= 2.0 ** -1022):
                rows.append({"op": op, "a": repr(a), "b": "0.0", "partials": [repr(d)]})
    for op, (partial, point) in BINARY.items():
        for a, b in FIXED_BINARY.get(op, []) + [point() for _ in range(150)]:
            pa, pb = (rounded(p) for p in partial(M(a), M(b)))
            # normal results only, from a power that does not overflow on the way
            if all(math.isfinite(p) and abs(p) >= 2.0 ** -1022 for p in (pa, pb)) and (op != "pow" or float(M(a) ** (M(b) - 1)) < 1.7e308):
                rows.append({"op": op, "a": repr(a), "b": repr(b), "partials": [repr(pa), repr(pb)]})
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "Tests", "AdvizKitTests", "Golden", "partials-reference.json")
    with open(path + ".tmp", "w") as f:
        f.write('{"source": "scripts/reference/partials_reference.py, mpmath %s at %d digits",\n "rows": [\n' % (mp.__version__, mp.mp.dps))
        f.write(",\n".join(json.dumps(r) for r in rows))
        f.write("\n]}\n")
    os.replace(path + ".tmp", path)
    print(f"{len(rows)} rows -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
