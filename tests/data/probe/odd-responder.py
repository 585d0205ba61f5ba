#!/usr/bin/python3
"""A probe responder that misbehaves on purpose, for calls-probe's tests:
probe 1 is answered twice (a duplicate), probe 2 is held back and answered
after probe 3 (reordered), the others once. Prints "ready udp=ADDR:PORT"
and serves until killed. Replies as listen --echo does: the reply flag in
byte 5 and the responder's timestamp (ns) in bytes 24..31."""
import socket
import struct
import time

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print("ready udp=127.0.0.1:%d" % s.getsockname()[1], flush=True)
held = None
while True:
    data, peer = s.recvfrom(65536)
    if len(data) < 32 or data[:4] != b"CPRB":
        continue
    seq = struct.unpack("!I", data[12:16])[0]
    ts = struct.pack("!Q", time.monotonic_ns())
    reply = data[:5] + b"\x01" + data[6:24] + ts + data[32:]
    if seq == 2:
        held = (reply, peer)
        continue
    s.sendto(reply, peer)
    if seq == 1:
        s.sendto(reply, peer)
    if seq == 3 and held:
        s.sendto(*held)
        held = None
