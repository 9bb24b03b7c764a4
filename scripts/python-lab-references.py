#!/usr/bin/env python3
"""The reference values of Tests/AdvizKitTests/PythonFrontEndTests.swift, computed with SymPy
(exact derivatives, evaluated to 30 digits and rounded to the nearest double). The tests hold
these numbers, so they need neither Python nor SymPy.

    python3 scripts/python-lab-references.py
"""
import sympy as sp

x = sp.Symbol("x", real=True)
fs = lambda t: 2*t**3 - 3*t**2 + 5
cases = [
    ("f", x**2, [3]),
    ("f_composed", sp.exp(-2*x) + 3*sp.sin(3*x), [sp.Rational(1, 2)]),
    ("f_polynomial", fs(fs(fs(x))), [2]),
    ("x**3", x**3, [sp.Rational(7, 10), sp.Rational(-13, 10)]),
    ("2*x**3 - 3*x**2 + 5", fs(x), [sp.Rational(7, 10)]),
    ("1/x", 1/x, [sp.Rational(7, 10), sp.Rational(-13, 10)]),
    ("exp", sp.exp(x), [sp.Rational(7, 10)]),
    ("log", sp.log(x), [sp.Rational(7, 10)]),
    ("sin", sp.sin(x), [sp.Rational(-13, 10)]),
    ("cos", sp.cos(x), [sp.Rational(7, 10)]),
    ("abs", sp.Abs(x), [sp.Rational(-13, 10)]),
    ("abs+sin*cos", sp.Abs(x) + sp.sin(x)*sp.cos(x), [sp.Rational(7, 10), sp.Rational(-13, 10)]),
]
for name, f, points in cases:
    d = sp.diff(f, x)
    for p in points:
        print(f"{name:>22} at {float(p):>5}: value {float(sp.N(f.subs(x, p), 30))!r:>24}  derivative {float(sp.N(d.subs(x, p), 30))!r}")
a = sp.Symbol("a", positive=True)
print(f"{'babylonian':>22} at 2: derivative of sqrt {float(sp.N(sp.diff(sp.sqrt(a), a).subs(a, 2), 30))!r}")
