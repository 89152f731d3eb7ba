#!/usr/bin/env python3
"""Hostile and normal clients for scripts/abuse.sh (loopback only, every loop bounded in time).

  slowloris PORT --connections N --duration S [--cap-note TEXT]
      N connections that each send one byte of a request head per second and never finish it
      (a connection the server closes is reopened at the next tick), while one normal client sends
      one scoring request after another, each on a new connection, and times it. Prints one line:
      RESULT normal=… failed=… p50_ms=… p99_ms=… max_ms=… attack_open_max=… attack_opened=…
             attack_closed_by_server=… attack_408=…
  unread PORT --seconds S
      one connection (4 KiB receive buffer) that pipelines GET /metrics and never reads; waits
      until the server's mlpack_http_connections_closed_total{reason="write_timeout"} counts it.
      Prints RESULT unread_closed_after_s=… (or fails).
  malformed PORT
      garbage requests; each must get 400 and a closed connection. Prints RESULT malformed=…
"""
import argparse
import errno
import selectors
import socket
import sys
import threading
import time

BODY = b'{"inputs": {"sentence_1": ["I like apples"], "sentence_2": ["I like oranges"]}}'
REQUEST = (
    b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Connection: close\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)
# What a slowloris sends, a byte a second: a head that never ends (header lines forever).
SLOW_HEAD = b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-a: b\r\n" * 100000


def read_answer(sock, deadline):
    """Status code and body of one answer (the server closes after it: Connection: close)."""
    data = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return status, body


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def slowloris(args):
    stop = threading.Event()
    stats = {"open_max": 0, "opened": 0, "closed_by_server": 0, "answered_408": 0, "connect_errors": 0}
    ready = threading.Event()

    def attack():
        sel = selectors.DefaultSelector()
        conns = {}  # socket -> bytes of SLOW_HEAD sent
        missing = args.connections
        next_tick = time.monotonic()
        while not stop.is_set():
            # Open what is missing (a closed one is reopened at the next tick), 200 at most a tick.
            for _ in range(min(missing, 200)):
                s = socket.socket()
                s.setblocking(False)
                try:
                    s.connect_ex(("127.0.0.1", args.port))
                except OSError:
                    stats["connect_errors"] += 1
                    s.close()
                    continue
                conns[s] = 0
                sel.register(s, selectors.EVENT_READ)
                stats["opened"] += 1
                missing -= 1
            stats["open_max"] = max(stats["open_max"], len(conns))
            if stats["opened"] >= args.connections:
                ready.set()  # every slow connection attempted once (above the cap some are evicted already)
            # One byte on every connection.
            for s in list(conns):
                try:
                    s.send(SLOW_HEAD[conns[s]:conns[s] + 1])
                    conns[s] += 1
                except (BlockingIOError, InterruptedError):
                    pass  # not connected yet (still in the server's backlog)
                except OSError as error:
                    if error.errno == errno.ENOTCONN:
                        continue  # not connected yet
                    sel.unregister(s)
                    del conns[s]
                    s.close()
                    stats["closed_by_server"] += 1
                    missing += 1
            # Until the next tick: notice the server closing connections (408 then FIN, or RST).
            next_tick += 1.0
            while not stop.is_set():
                left = next_tick - time.monotonic()
                if left <= 0:
                    break
                for key, _ in sel.select(timeout=min(left, 0.2)):
                    s = key.fileobj
                    try:
                        data = s.recv(4096)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if data.startswith(b"HTTP/1.1 408"):
                        stats["answered_408"] += 1
                    if not data or data.startswith(b"HTTP/"):
                        sel.unregister(s)
                        del conns[s]
                        s.close()
                        stats["closed_by_server"] += 1
                        missing += 1
        for s in conns:
            s.close()

    attacker = threading.Thread(target=attack, daemon=True)
    attacker.start()
    if not ready.wait(timeout=60):
        print(f"could not open {args.connections} slow connections within 60 s", file=sys.stderr)
    latencies, failed, failures = [], 0, []
    end = time.monotonic() + args.duration
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=10) as s:
                s.sendall(REQUEST)
                status, body = read_answer(s, started + 10)
            if status != 200 or b'"predictions"' not in body:
                failed += 1
                failures.append(f"status {status}: {body[:100]!r}")
        except OSError as error:
            failed += 1
            failures.append(repr(error))
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(0.01)  # a steady client, not a flood
    stop.set()
    attacker.join(timeout=10)
    for failure in failures[:5]:
        print("normal request failed:", failure, file=sys.stderr)
    print(
        f"RESULT normal={len(latencies)} failed={failed} p50_ms={percentile(latencies, 50):.2f} "
        f"p99_ms={percentile(latencies, 99):.2f} max_ms={max(latencies, default=float('nan')):.2f} "
        f"attack_open_max={stats['open_max']} attack_opened={stats['opened']} "
        f"attack_closed_by_server={stats['closed_by_server']} attack_408={stats['answered_408']} "
        f"attack_connect_errors={stats['connect_errors']}"
    )
    return 0


def metric(port, series):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        _, body = read_answer(s, time.monotonic() + 10)
    for line in body.decode().splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def unread(args):
    series = 'mlpack_http_connections_closed_total{reason="write_timeout"}'
    before = metric(args.port, series)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", args.port))
    s.setblocking(False)
    batch = b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n" * 200
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        try:
            s.send(batch)
        except BlockingIOError:
            pass
        except OSError:
            pass  # reset by the server
        if metric(args.port, series) > before:
            print(f"RESULT unread_closed_after_s={time.monotonic() - started:.2f}")
            s.close()
            return 0
        time.sleep(0.1)  # polling interval
    print(f"a connection that never reads was still open after {args.seconds} s", file=sys.stderr)
    return 1


MALFORMED = [
    b"NOT HTTP AT ALL\r\n\r\n",
    b"GET /ping HTTP/1.1\r\nHost a\r\n\r\n",
    b"POST /invocations HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
    b"POST /invocations HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET /ping HTTP/1.1\r\nHost: a\r\nX-Huge: " + b"x" * 100000 + b"\r\n\r\n",
    b"\x00\x01\x02\x03\r\n\r\n",
]


def malformed(args):
    bad = 0
    for request in MALFORMED:
        with socket.create_connection(("127.0.0.1", args.port), timeout=10) as s:
            try:
                s.sendall(request)
            except OSError:
                pass
            status, _ = read_answer(s, time.monotonic() + 10)  # reads to the close
        if status != 400:
            print(f"malformed request {request[:40]!r}: status {status}, not 400", file=sys.stderr)
            bad += 1
    print(f"RESULT malformed={len(MALFORMED)} not_400={bad}")
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("slowloris")
    p.add_argument("port", type=int)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--duration", type=float, default=30)
    p = sub.add_parser("unread")
    p.add_argument("port", type=int)
    p.add_argument("--seconds", type=float, default=60)
    p = sub.add_parser("malformed")
    p.add_argument("port", type=int)
    args = parser.parse_args()
    return {"slowloris": slowloris, "unread": unread, "malformed": malformed}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
