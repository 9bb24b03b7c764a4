"""The race's peer in float64: JAX's jit(vmap(grad)) of x² and of the nested polynomial at 10⁶
points of [−5, 5], as ../shared/bench/peers.py runs it in float32, here with jax_enable_x64.
Prints min and median of R timed runs (after a warm-up), in milliseconds; compare with
`adviz bench --suite race`, run in turn with this script on the same machine.

    ~/.venvs/peers/bin/python Benchmarks/jax/race_f64.py [repetitions]
"""
import statistics
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp
import numpy as np


def square(x):
    return x * x


def polynomial(x):
    return 2 * x**3 - 3 * x**2 + 5


def nested(x):
    return polynomial(polynomial(polynomial(x)))


def main():
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    x = jnp.asarray(np.linspace(-5, 5, 1_000_000), dtype=jnp.float64)
    for name, f in (("x^2", square), ("poly3", nested)):
        derivative = jax.jit(jax.vmap(jax.grad(f)))
        derivative(x).block_until_ready()
        times = []
        for _ in range(repetitions):
            start = time.perf_counter()
            derivative(x).block_until_ready()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:6} jax jit(vmap(grad)) f64: min {min(times):.3f} ms, median {statistics.median(times):.3f} ms ({repetitions} runs)")


if __name__ == "__main__":
    main()
