#!/usr/bin/env python3
"""The classroom server under a class's load: `adviz serve`'s three targets, measured.

    python3 Benchmarks/serve/bench_serve.py [--adviz .build/release/adviz] [--json]

Starts `adviz serve` on a free loopback port (or uses --url of one already running) and measures:

1. 400 concurrent GET /api/trace requests over 16 keep-alive connections (small programs):
   all must succeed; p50/p99 latency (target: p99 < 100 ms on a 2-core machine).
2. A step change against a fresh layout: /api/figure.svg for a program not seen before (a
   layout) vs the next step of the same trace, requested 30 ms after the one before as a student
   presses → (the server draws each next step ahead on the kept layout); target: step <= 1/4 of
   layout. Also timed: the same program at another point (a slider moved), on the kept layout.
3. A presenter's step reaching 100 followers over WebSocket: p99 of the time from the
   presenter's send to each follower's receipt (target: p99 < 50 ms).

Only the standard library: http.client, threads, and a minimal WebSocket client (RFC 6455).
"""
import argparse, base64, http.client, json, os, random, socket, statistics, struct, subprocess, sys, threading, time, urllib.parse


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def start_server(adviz):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "bench-" + "".join(random.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(10))
    process = subprocess.Popen([adviz, "serve", "--port", str(port), "--token", token], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"http://127.0.0.1:{port}", token
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("adviz serve did not start: " + process.stderr.read().decode())


PROGRAMS = [
    ("log(x1*x2)+sin(x2)", "2,5"), ("x1*x2 + sin(x1)", "1,3"), ("y = tanh(w1*x1 + w2*x2 + b)", "1,2,0.5,-0.3,0.1"),
    ("exp(-x^2/2)*cos(3*x)", "0.7"), ("sqrt(x^2 + y^2)", "3,4"), ("(x - 1)^2 + 10*(y - x^2)^2", "-1,1"),
]


def trace_load(base, requests=400, connections=16):
    host = urllib.parse.urlsplit(base)
    latencies, failures = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(connections)

    def worker(index):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        conn.connect()
        barrier.wait()
        for i in range(index, requests, connections):
            program, at = PROGRAMS[i % len(PROGRAMS)]
            point = ",".join(str(float(v) + (i % 7) * 0.01) for v in at.split(","))
            path = "/api/trace?program=" + urllib.parse.quote(program, safe="") + "&at=" + point
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"gradient"' in body
            except Exception as error:  # a dropped connection is a failure, never a crash of the bench
                ok, body = False, str(error).encode()
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(body[:200])
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "requests": requests, "connections": connections, "succeeded": requests - len(failures),
        "p50_ms": percentile(latencies, 50) * 1e3, "p99_ms": percentile(latencies, 99) * 1e3,
        "max_ms": max(latencies) * 1e3, "requests_per_second": requests / wall,
    }


def figure_costs(base, rounds=12):
    host = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    program = "y = tanh(w1*x1 + w2*x2 + b)"

    def get(query):
        t0 = time.perf_counter()
        conn.request("GET", "/api/figure.svg?" + query)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]
        return time.perf_counter() - t0

    layouts, steps, points, jumps = [], [], [], []
    for r in range(rounds):
        # A program not seen before (another constant): a fresh layout.
        fresh = f"{program} + {r + 1}"
        query = "program=" + urllib.parse.quote(fresh, safe="") + "&at=1,2,0.5,-0.3,0.1"
        layouts.append(get(query + "&step=1"))
        time.sleep(0.03)
        jumps.append(get(query + "&step=6"))  # a jump (the slider): not drawn ahead, drawn now
        for step in [s for s in range(2, 12) if s != 6]:  # the next steps, as a student presses → now and then
            time.sleep(0.03)
            steps.append(get(query + f"&step={step}"))
        # The same program at another point (a slider moved): drawn on the kept layout.
        moved = "program=" + urllib.parse.quote(fresh, safe="") + f"&at=1,2,{0.5 + r * 0.01 + 0.005:.3f},-0.3,0.1"
        points.append(get(moved + "&step=11"))
    conn.close()
    layout, step, point, jump = statistics.median(layouts), statistics.median(steps), statistics.median(points), statistics.median(jumps)
    return {"layout_ms": layout * 1e3, "step_ms": step * 1e3, "jump_ms": jump * 1e3, "point_ms": point * 1e3,
            "step_over_layout": step / layout, "jump_over_layout": jump / layout}


class WebSocket:
    """A minimal RFC 6455 client: text frames only, enough to follow a room."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + ("?" + parts.query if parts.query else "")
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError(head.split(b"\r\n")[0].decode())
        self.buffer = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(data)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            if b0 & 0x0F == 1:
                return payload.decode()

    def close(self):
        self.sock.close()


def presenter_fanout(base, token, followers=100, steps=30):
    ws_base = base.replace("http://", "ws://")
    host = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    conn.request("POST", "/api/rooms", headers={"Authorization": "Bearer " + token})
    code = json.loads(conn.getresponse().read())["code"]
    presenter = WebSocket(f"{ws_base}/ws/present/{code}?token={token}")
    sockets = [WebSocket(f"{ws_base}/ws/follow/{code}") for _ in range(followers)]
    # The presenter hears how many follow; wait until all have joined.
    while True:
        message = json.loads(presenter.receive())
        if message.get("followers") == followers:
            break
    latencies, lock = [], threading.Lock()
    sent_at = {}

    def listen(ws):
        for _ in range(steps):
            message = json.loads(ws.receive())
            now = time.perf_counter()
            with lock:
                latencies.append(now - sent_at[message["step"]])

    threads = [threading.Thread(target=listen, args=(ws,)) for ws in sockets]
    for t in threads:
        t.start()
    for step in range(steps):
        sent_at[step] = time.perf_counter()
        presenter.send(json.dumps({"program": "log(x1*x2)+sin(x2)", "at": [2, 5], "mode": "both", "step": step}))
        time.sleep(0.05)
    for t in threads:
        t.join()
    for ws in sockets + [presenter]:
        ws.close()
    return {"followers": followers, "steps": steps, "deliveries": len(latencies),
            "p50_ms": percentile(latencies, 50) * 1e3, "p99_ms": percentile(latencies, 99) * 1e3}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adviz", default=".build/release/adviz")
    parser.add_argument("--url", help="an adviz serve already running (then --token too)")
    parser.add_argument("--token")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    process = None
    if args.url:
        base, token = args.url.rstrip("/"), args.token
    else:
        process, base, token = start_server(args.adviz)
    try:
        result = {"trace_load": trace_load(base), "figure": figure_costs(base), "presenter": presenter_fanout(base, token)}
    finally:
        if process:
            process.terminate()
            process.wait(10)
    targets = {
        "400 /api/trace over 16 connections: all succeed, p99 < 100 ms": result["trace_load"]["succeeded"] == 400 and result["trace_load"]["p99_ms"] < 100,
        "a step costs <= 1/4 of a fresh layout": result["figure"]["step_over_layout"] <= 0.25,
        "a presenter step reaches 100 followers, p99 < 50 ms": result["presenter"]["deliveries"] == 100 * 30 and result["presenter"]["p99_ms"] < 50,
    }
    result["targets_met"] = targets
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        t, f, p = result["trace_load"], result["figure"], result["presenter"]
        print(f"/api/trace     {t['succeeded']}/{t['requests']} ok over {t['connections']} connections   p50 {t['p50_ms']:.1f} ms   p99 {t['p99_ms']:.1f} ms   max {t['max_ms']:.1f} ms   {t['requests_per_second']:.0f} req/s")
        print(f"figure         fresh layout {f['layout_ms']:.2f} ms   next step {f['step_ms']:.2f} ms ({f['step_over_layout']:.2f} of it)   a jump {f['jump_ms']:.2f} ms ({f['jump_over_layout']:.2f})   another point {f['point_ms']:.2f} ms")
        print(f"presenter      {p['deliveries']} deliveries to {p['followers']} followers   p50 {p['p50_ms']:.2f} ms   p99 {p['p99_ms']:.2f} ms")
        for name, ok in targets.items():
            print(("met     " if ok else "MISSED  ") + name)
    sys.exit(0 if all(targets.values()) else 1)


if __name__ == "__main__":
    main()
