/* The kernel on two threads with nothing in between: the caller and one thread that spins (never
   sleeps) each take half of the race's 10^6 points; prints min and median of R calls. The gap
   between this and `adviz bench` is what the worker pool and the call cost; the gap between this
   and half of harness.c's one-thread time is what running two cores at once costs.
   Build and run: see count-instructions.sh. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void adviz_reverse(long begin, long end, const double *const *in, double *value, double *const *grad);

static long n = 1000000;
static const double *in[1];
static double *grad[1];
static atomic_int go, done;

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

static void *helper(void *unused)
{
    (void)unused;
    for (int seen = 0;;) {
        int job;
        while ((job = atomic_load(&go)) == seen) {}
        seen = job;
        adviz_reverse(n / 2, n, in, 0, grad);
        atomic_fetch_add(&done, 1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int repetitions = argc > 1 ? atoi(argv[1]) : 100;
    if (repetitions < 1 || repetitions > 10000) return 64;
    double *x = aligned_alloc(64, n * 8), *g = aligned_alloc(64, n * 8), *times = malloc(sizeof(double) * repetitions);
    for (long i = 0; i < n; i++) {
        x[i] = -5 + 10.0 * i / (n - 1);
        g[i] = 0;
    }
    in[0] = x;
    grad[0] = g;
    pthread_t thread;
    pthread_create(&thread, 0, helper, 0);
    for (int r = -1; r < repetitions; r++) {  /* r = -1: the warm-up */
        double start = now();
        int before = atomic_load(&done);
        atomic_fetch_add(&go, 1);
        adviz_reverse(0, n / 2, in, 0, grad);
        while (atomic_load(&done) == before) {}
        if (r >= 0) times[r] = (now() - start) * 1e3;
    }
    qsort(times, repetitions, sizeof(double), ascending);
    printf("two threads: min %.3f ms, median %.3f ms\n", times[0], times[repetitions / 2]);
    return 0;
}
