"""Counts what leaves one network interface, by kind, in fixed windows.

Run inside a weak-link namespace (`ip netns exec <ns> python3 packetCounter.py
<interface> <window seconds>`); prints one JSON line per window:
{"seconds": .., "kinds": {"<kind>": [bytes, packets], ..}, "padding": {"rtp<pt>": n}}
Bytes are IP lengths (what the link carries). Kinds: rtp<payload type>,
rtcp<type>[.<fmt>] of the first packet of a compound (SRTCP encrypts the
rest), stun, dtls, tcp, other. Used by `npm run bench:uplink`; only Python's
standard library (AF_PACKET needs root, like the namespaces themselves).
"""
import json
import socket
import struct
import sys
import time

PACKET_OUTGOING = 4


def kind_of(ip: bytes) -> tuple[str, bool]:
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    if proto == 6:
        return "tcp", False
    if proto != 17:
        return "other", False
    p = ip[ihl + 8:]
    if not p:
        return "other", False
    b0 = p[0]
    if b0 < 4:
        return "stun", False
    if 20 <= b0 <= 63:
        return "dtls", False
    if 128 <= b0 <= 191 and len(p) >= 12:
        pt = p[1]
        if 192 <= pt <= 223:
            return (f"rtcp{pt}.{b0 & 31}" if pt in (205, 206) else f"rtcp{pt}"), False
        return f"rtp{pt & 127}", bool(b0 & 0x20)
    return "other", False


def main() -> None:
    iface = sys.argv[1]
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    kinds: dict[str, list[int]] = {}
    padding: dict[str, int] = {}
    started = time.monotonic()
    while True:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            data, addr = b"", None
        if data and addr is not None and addr[2] == PACKET_OUTGOING:
            ip = data[14:]
            if len(ip) >= 20 and ip[0] >> 4 == 4:
                length = struct.unpack("!H", ip[2:4])[0]
                kind, padded = kind_of(ip)
                k = kinds.setdefault(kind, [0, 0])
                k[0] += length
                k[1] += 1
                if padded:
                    padding[kind] = padding.get(kind, 0) + 1
        now = time.monotonic()
        if now - started >= window:
            print(json.dumps({"seconds": now - started, "kinds": kinds, "padding": padding}), flush=True)
            kinds, padding, started = {}, {}, now


if __name__ == "__main__":
    main()
