#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Load-test make run's web server from the host and check every response.

    harness/loadtest.py [--port 8080] [--conns 300] [--requests 20]
                        [--mode keepalive|close] [--big] [--timeout 30]

CONNS clients run at once, each REQUESTS requests over one keep-alive
connection (--mode keepalive) or one new connection per request (--mode
close, which stresses the forwarded port's accept path).  Each request
asks for one of the site's files (tools/lib/script/examples/httpd/site;
the 1 MiB file only with --big) and its response must be exactly
"200 OK" with the file's bytes: a lost request byte shows as a 400 or 501,
a lost response byte as a short or wrong body, a stall as a timeout.
Prints one line of counts and latencies and exits non-zero on any error.
Loopback only: it connects to 127.0.0.1.
"""
import argparse
import asyncio
import os
import sys
import time

SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools',
                    'lib', 'script', 'examples', 'httpd', 'site')


def site_files(big):
    files = {}
    for d, _, names in os.walk(SITE):
        for n in sorted(names):
            p = os.path.join(d, n)
            rel = '/' + os.path.relpath(p, SITE)
            if os.path.getsize(p) > 65536 and not big:
                continue
            with open(p, 'rb') as f:
                files[rel] = f.read()
    return sorted(files.items())


class Stats:
    def __init__(self):
        self.ok = 0
        self.errors = {}
        self.lat = []

    def error(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def one(reader, writer, path, want, keep):
    conn = 'keep-alive' if keep else 'close'
    writer.write(f'GET {path} HTTP/1.1\r\nHost: localhost\r\n'
                 f'Connection: {conn}\r\n\r\n'.encode())
    await writer.drain()
    head = await reader.readuntil(b'\r\n\r\n')
    status = head.split(b' ', 2)[1].decode() if b' ' in head else '?'
    if status != '200':
        return 'status ' + status
    clen = None
    for line in head.split(b'\r\n'):
        if line.lower().startswith(b'content-length:'):
            clen = int(line.split(b':', 1)[1])
    if clen != len(want):
        return 'content-length'
    body = await reader.readexactly(clen)
    return None if body == want else 'body differs'


async def client(args, files, k, stats):
    reader = writer = None
    for i in range(args.requests):
        path, want = files[(k + i) % len(files)]
        t0 = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection('127.0.0.1', args.port),
                    args.timeout)
            err = await asyncio.wait_for(
                one(reader, writer, path, want, args.mode == 'keepalive'),
                args.timeout)
        except asyncio.TimeoutError:
            err = 'timeout'
        except asyncio.IncompleteReadError:
            err = 'closed early'
        except (ConnectionError, OSError) as e:
            err = type(e).__name__
        stats.lat.append(time.monotonic() - t0)
        if err:
            stats.error(err)
        else:
            stats.ok += 1
        if err or args.mode == 'close':
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--port', type=int, default=8080)
    ap.add_argument('--conns', type=int, default=300)
    ap.add_argument('--requests', type=int, default=20)
    ap.add_argument('--mode', choices=('keepalive', 'close'),
                    default='keepalive')
    ap.add_argument('--big', action='store_true',
                    help='the 1 MiB file too')
    ap.add_argument('--timeout', type=float, default=30)
    args = ap.parse_args()
    files = site_files(args.big)
    stats = Stats()
    t0 = time.monotonic()
    await asyncio.gather(*(client(args, files, k, stats)
                           for k in range(args.conns)))
    secs = time.monotonic() - t0
    lat = sorted(stats.lat)
    n = len(lat)
    print(f'{args.mode}{" big" if args.big else ""} conns={args.conns} '
          f'requests={n} ok={stats.ok} '
          f'errors={sum(stats.errors.values())} {stats.errors or ""} '
          f'time={secs:.1f}s '
          f'latency p50={lat[n // 2]:.3f}s p99={lat[n * 99 // 100]:.3f}s '
          f'max={lat[-1]:.3f}s over1s={sum(x > 1 for x in lat)}')
    return 1 if stats.errors else 0


if __name__ == '__main__':
    sys.exit(asyncio.run(main()))
