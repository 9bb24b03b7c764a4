#!/usr/bin/env python3
"""A day of a classroom in minutes: `adviz serve` under mixed traffic, its memory sampled.

    python3 Benchmarks/serve/soak.py [--adviz .build/release/adviz] [--requests 20000]
                                     [--minutes 30] [--connections 8] [--programs N] [--json]

Starts `adviz serve` on a free loopback port (nothing but 127.0.0.1 is contacted), sends
`--requests` mixed requests over `--connections` keep-alive connections — traces, Explore models
and figures of distinct programs (a new program every few requests), steps of programs seen
before (cached), other points of kept layouts, lesson pages, HEAD, bad input (400/404/413/414),
and clients that leave mid-request — and samples the server's resident memory (VmRSS from
/proc/PID/status) every 500 requests. It stops by itself after the requests or `--minutes`,
whichever comes first, and stops the server. `--programs N` draws the programs from a class's
set of N (the same few programs, at many points and steps) instead of a new one every four
requests.

Reported: RSS at start, after warm-up (the first 20% of requests) and at the end, the growth after
warm-up (target: <= 50 MB over 20,000 requests), the peak, requests per second, and how many
answers were of each status. Exit status 1 if the growth exceeds --limit-mb (default 50).

Only the standard library.
"""
import argparse, http.client, json, os, random, socket, subprocess, sys, threading, time, urllib.parse


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(adviz, extra):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([adviz, "serve", "--port", str(port), "--token", "soak-token"] + extra,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("adviz serve did not start: " + process.stderr.read().decode())


FUNCTIONS = ["sin", "cos", "tanh", "exp", "log", "sqrt"]


def program(k):
    """A distinct program for each k: a few terms of different functions and constants."""
    r = random.Random(k)
    terms = []
    for i in range(r.randint(2, 6)):
        f = r.choice(FUNCTIONS)
        inner = f"x{r.randint(1, 3)}*{r.randint(2, 9)}" if f not in ("log", "sqrt") else f"x{r.randint(1, 3)}^2 + {r.randint(1, 9)}"
        terms.append(f"{r.randint(1, 7)}*{f}({inner})")
    return " + ".join(terms) + " + x1*x2*x3"


PROGRAMS = [0]


def request_mix(k, rng):
    """The k-th request: (method, path, body or None, expected to be a gone client)."""
    fresh = k // 4  # a new program every four requests
    if PROGRAMS[0]:
        fresh = fresh % PROGRAMS[0]
    prog = program(fresh)
    old = program(rng.randint(max(0, fresh - 30), fresh))  # a program seen a little before
    at = ",".join(str(rng.choice([1, 2, 3, 0.5, -1.5])) for _ in range(3))
    q = lambda **f: urllib.parse.urlencode(f)
    roll = rng.random()
    if roll < 0.20:
        return "GET", "/api/trace?" + q(program=prog, at=at), None, False
    if roll < 0.35:
        return "GET", "/api/explore?" + q(program=prog, at=at), None, False
    if roll < 0.60:
        return "GET", "/api/figure.svg?" + q(program=prog, at=at, step=rng.randint(0, 12)), None, False
    if roll < 0.75:
        return "GET", "/api/figure.svg?" + q(program=old, at="1,2,3", step=rng.randint(0, 6)), None, False
    if roll < 0.80:
        return "GET", "/api/figure.svg?" + q(program=old, at=at), None, False
    if roll < 0.83:
        return "GET", rng.choice(["/", "/lessons/", "/api/lessons", "/follow", "/lessons/01-computational-graph/"]), None, False
    if roll < 0.85:
        return "HEAD", "/api/trace?" + q(program=prog, at=at), None, False
    if roll < 0.90:
        return "GET", "/api/trace?" + q(program=prog + " + sine(x1)", at=at), None, False
    if roll < 0.92:
        return "GET", "/nowhere/" + str(k), None, False
    if roll < 0.93:
        return "POST", "/api/trace", json.dumps({"program": "x" * 70000, "at": "1"}), False
    if roll < 0.94:
        return "GET", "/api/trace?program=" + "x%2B" * 20000 + "x&at=1", None, False
    return "GET", "/api/figure.svg?" + q(program=program(fresh + 10**6), at=at), None, True  # a client that leaves



def run(port, requests, connections, deadline, pid, sample_every):
    statuses, lock = {}, threading.Lock()
    samples = []  # (requests done, rss)
    done = [0]
    errors = []

    def count(status):
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            done[0] += 1
            if done[0] % sample_every == 0:
                samples.append((done[0], rss_mb(pid)))

    def worker(index):
        rng = random.Random(index)
        conn = None
        k = index
        while k < requests and time.time() < deadline:
            method, path, body, leaves = request_mix(k, rng)
            k += connections
            if leaves:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    count("left")
                except OSError as e:
                    count("connect-error")
                continue
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                headers = {"Content-Type": "application/json"} if body else {}
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                count(response.status)
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                count(type(e).__name__)
                if len(errors) < 5:
                    errors.append(f"{method} {path[:80]}: {e!r}")
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, samples, done[0], time.time() - start, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adviz", default=".build/release/adviz")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--limit-mb", type=float, default=50)
    parser.add_argument("--server-args", default="", help="extra arguments for adviz serve")
    parser.add_argument("--programs", type=int, default=0, help="draw programs from a set of this many (0: a new one every 4 requests)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    PROGRAMS[0] = args.programs
    process, port = start_server(args.adviz, args.server_args.split())
    try:
        start_rss = rss_mb(process.pid)
        deadline = time.time() + args.minutes * 60
        statuses, samples, done, seconds, errors = run(port, args.requests, args.connections, deadline, process.pid, 500)
        end_rss = rss_mb(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    warm = [rss for n, rss in samples if n >= done * 0.2]
    warm_rss = warm[0] if warm else start_rss
    result = {
        "requests": done, "seconds": round(seconds, 1), "per_second": round(done / seconds, 1),
        "rss_start_mb": round(start_rss, 1), "rss_after_warmup_mb": round(warm_rss, 1), "rss_end_mb": round(end_rss, 1),
        "rss_peak_mb": round(max([end_rss] + [r for _, r in samples]), 1), "growth_after_warmup_mb": round(end_rss - warm_rss, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "samples": [(n, round(r, 1)) for n, r in samples], "errors": errors,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{done} requests in {seconds:.0f} s ({done / seconds:.0f}/s) over {args.connections} connections")
        print(f"RSS: {start_rss:.1f} MB at start, {warm_rss:.1f} MB after warm-up, {end_rss:.1f} MB at the end "
              f"(peak {result['rss_peak_mb']} MB): {end_rss - warm_rss:+.1f} MB after warm-up (limit {args.limit_mb} MB)")
        print("answers:", ", ".join(f"{k}: {v}" for k, v in result["statuses"].items()))
        print("RSS by requests:", " ".join(f"{n}:{r:.0f}" for n, r in result["samples"]))
        for e in errors:
            print("error:", e)
    sys.exit(1 if end_rss - warm_rss > args.limit_mb else 0)


if __name__ == "__main__":
    main()
