/* Times (or, under callgrind, counts) one kernel adviz generated: `adviz codegen --kernel` writes it.
   One thread, the race's 10^6 points of [-5, 5] in 64-byte aligned buffers; prints min and median
   of R calls and a hash of the gradient's bits (equal hashes: equal bits).
   Build and run: see count-instructions.sh. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void adviz_reverse(long begin, long end, const double *const *in, double *value, double *const *grad);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int repetitions = argc > 2 ? atoi(argv[2]) : 50;
    if (n < 2 || repetitions < 1 || repetitions > 10000) return 64;
    double *x = aligned_alloc(64, (n * 8 + 63) / 64 * 64), *g = aligned_alloc(64, (n * 8 + 63) / 64 * 64);
    double *times = malloc(sizeof(double) * repetitions);
    for (long i = 0; i < n; i++) {
        x[i] = -5 + 10.0 * i / (n - 1);
        g[i] = 0;
    }
    const double *in[1] = {x};
    double *grad[1] = {g};
    adviz_reverse(0, n, in, 0, grad);
    for (int r = 0; r < repetitions; r++) {
        double start = now();
        adviz_reverse(0, n, in, 0, grad);
        times[r] = (now() - start) * 1e3;
    }
    qsort(times, repetitions, sizeof(double), ascending);
    unsigned long hash = 1469598103934665603ul;
    for (long i = 0; i < n; i++) {
        unsigned long bits;
        memcpy(&bits, &g[i], 8);
        hash = (hash ^ bits) * 1099511628211ul;
    }
    printf("min %.3f ms, median %.3f ms (%d calls of %ld points, one thread); gradient bits hash %016lx\n", times[0], times[repetitions / 2], repetitions, n, hash);
    return 0;
}
