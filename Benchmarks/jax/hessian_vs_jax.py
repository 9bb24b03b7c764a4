"""jax.hessian against adviz on f(x) = sum_i sin(x_i)*x_{i+1} + log(1 + x_i^2), float64, one CPU.

Prints, for each n: one HVP (jvp of grad), f, and the whole Hessian by jax.hessian (jacfwd of
jacrev: n forward sweeps over the gradient, all at once with vmap), each jitted and warmed up,
then timed as min and median of R alternated runs (f, HVP, Hessian, f, HVP, …). Compare with
`adviz bench --suite hessian --inputs 1000`, run in turn with this script.

    ~/.venvs/peers/bin/python Benchmarks/jax/hessian_vs_jax.py [n ...]
"""
import os
import statistics
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")
import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp


def f(x):
    return jnp.sum(jnp.sin(x[:-1]) * x[1:] + jnp.log(1 + x[:-1] ** 2))


def exact_tridiagonal(x):
    s = x[:-1] ** 2
    diagonal = jnp.concatenate([-jnp.sin(x[:-1]) * x[1:] + 2 * (1 - s) / (1 + s) ** 2, jnp.zeros(1)])
    return diagonal, jnp.cos(x[:-1])


def timed(fn, *args):
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    return (time.perf_counter() - start) * 1000


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    repetitions = 9
    print(f"jax {jax.__version__}, float64, {jax.devices()[0].platform}")
    print(f"{'n':>7} {'f min ms':>10} {'f med ms':>10} {'HVP min ms':>11} {'HVP med ms':>11} {'HVP/f':>6} {'hessian min ms':>15} {'hessian med ms':>15} {'max error':>10}")
    for n in sizes:
        key = jax.random.PRNGKey(n)
        x = jax.random.uniform(key, (n,), dtype=jnp.float64, minval=-1, maxval=1)
        u = jax.random.uniform(jax.random.PRNGKey(n + 1), (n,), dtype=jnp.float64, minval=-1, maxval=1)
        value = jax.jit(f)
        hvp = jax.jit(lambda x, u: jax.jvp(jax.grad(f), (x,), (u,))[1])
        hessian = jax.jit(jax.hessian(f))
        for fn, args in ((value, (x,)), (hvp, (x, u)), (hessian, (x,))):  # compile and warm up
            jax.block_until_ready(fn(*args))
        tv, th, tH = [], [], []
        for _ in range(repetitions):
            tv.append(timed(value, x))
            th.append(timed(hvp, x, u))
            tH.append(timed(hessian, x))
        H = hessian(x)
        diagonal, off = exact_tridiagonal(x)
        error = max(float(jnp.max(jnp.abs(jnp.diag(H) - diagonal))), float(jnp.max(jnp.abs(jnp.diag(H, 1) - off))))
        print(f"{n:>7} {min(tv):>10.3f} {statistics.median(tv):>10.3f} {min(th):>11.3f} {statistics.median(th):>11.3f} "
              f"{statistics.median(th) / statistics.median(tv):>6.1f} {min(tH):>15.2f} {statistics.median(tH):>15.2f} {error:>10.0e}")


if __name__ == "__main__":
    main()
