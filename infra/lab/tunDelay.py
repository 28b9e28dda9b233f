#!/usr/bin/env python3
"""Holds every packet routed through a TUN device for a fixed time, then gives
it back to the kernel: the one-way delay of a lab commune's link, in both
directions (this kernel has no tc netem). Runs inside the commune's router
namespace (ip netns exec), where policy routing sends the commune's traffic,
both ways, into the TUN and routes what comes back out normally.

usage: tunDelay.py <tun device> <delay ms>
stdin: lines {"delayMs": N} change the delay; EOF stops.
stdout: one line {"ready": true} once the device is attached.
"""
import fcntl
import heapq
import json
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def main() -> None:
    name, delay_ms = sys.argv[1], float(sys.argv[2])
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    print(json.dumps({"ready": True}), flush=True)
    queue: list[tuple[float, int, bytes]] = []
    seq = 0
    pending = b""
    while True:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, pkt = heapq.heappop(queue)
            try:
                os.write(fd, pkt)
            except OSError:
                pass  # the namespace is going away
        timeout = max(0.0, queue[0][0] - now) if queue else 1.0
        readable, _, _ = select.select([fd, stdin], [], [], timeout)
        if fd in readable:
            # Drain what is there: one select per packet is too slow at 10 Mbit/s.
            for _ in range(256):
                try:
                    pkt = os.read(fd, 65535)
                except BlockingIOError:
                    break
                seq += 1
                heapq.heappush(queue, (time.monotonic() + delay_ms / 1000.0, seq, pkt))
        if stdin in readable:
            chunk = os.read(stdin, 4096)
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    delay_ms = float(json.loads(line)["delayMs"])


if __name__ == "__main__":
    main()
