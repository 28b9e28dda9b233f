#!/usr/bin/env python3
"""What a lab namespace's network lets through, with real sockets (run inside
a namespace with ip netns exec).

  portProbe.py listen <addr> <proto>/<port>...   prints "ready", then one line
      "<proto>/<port> <source address>" per datagram or connection that arrives
      (TCP connections get "ok" back); EOF on stdin stops it.
  portProbe.py send <addr> <proto>/<port>...     per target: UDP sends 3
      datagrams (PROBE_UDP_COUNT; no answer expected: a firewall drop is
      silent, a send() error fails the probe); TCP connects (2 s) and prints
      "<proto>/<port> connected" or "<proto>/<port> refused".
"""
import os
import select
import socket
import sys
import time


def targets(args: list[str]) -> list[tuple[str, int]]:
    out = []
    for a in args:
        proto, port = a.split("/")
        out.append((proto, int(port)))
    return out


def listen(addr: str, specs: list[tuple[str, int]]) -> None:
    socks = {}
    for proto, port in specs:
        if proto == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        if proto == "tcp":
            s.listen(16)
        socks[s.fileno()] = (s, proto, port)
    print("ready", flush=True)
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select(list(socks) + [stdin], [], [], 1.0)
        for fd in readable:
            if fd == stdin:
                if not os.read(stdin, 4096):
                    return
                continue
            s, proto, port = socks[fd]
            if proto == "udp":
                _, src = s.recvfrom(2048)
            else:
                conn, src = s.accept()
                conn.sendall(b"ok")
                conn.close()
            print(f"{proto}/{port} {src[0]}", flush=True)


def send(addr: str, specs: list[tuple[str, int]]) -> None:
    for proto, port in specs:
        if proto == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(int(os.environ.get("PROBE_UDP_COUNT", "3"))):
                s.sendto(b"probe", (addr, port))
                time.sleep(0.01)
            s.close()
            print(f"udp/{port} sent", flush=True)
        else:
            try:
                with socket.create_connection((addr, port), timeout=2):
                    print(f"tcp/{port} connected", flush=True)
            except OSError:
                print(f"tcp/{port} refused", flush=True)


if __name__ == "__main__":
    mode, address = sys.argv[1], sys.argv[2]
    (listen if mode == "listen" else send)(address, targets(sys.argv[3:]))
