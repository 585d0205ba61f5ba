#!/usr/bin/python3
"""Independent peer for unit-webrtc-secure: aiortc's own DTLS (pyOpenSSL)
and its own SCTP stack over UDP on loopback, without ICE.

Usage: webrtc_secure_peer.py PORT FINGERPRINT MODE
  PORT         the C side's UDP port on 127.0.0.1
  FINGERPRINT  the C side's "sha-256 AB:..." (from calls_dtls_fingerprint)
  MODE         "dtls-server": aiortc is DTLS server and SCTP client and opens
               `calls-dc`; "dtls-client": aiortc is DTLS client and SCTP
               server and waits for the C side to open it.

The first datagram to the C side is "fp sha-256 ..." (aiortc's
fingerprint; first byte outside RFC 7983's DTLS range). Over `calls-dc`
aiortc sends "keys <hex>" (its exported DTLS-SRTP keying material) and a
binary message, expects "pong" and the binary message echoed back, then
closes the channel (stream reset both ways). Exit status 0 when all of
that happened.
"""
import asyncio
import sys

from aiortc.rtcdtlstransport import (RTCCertificate, RTCDtlsFingerprint,
                                     RTCDtlsParameters, RTCDtlsTransport)
from aiortc.rtcsctptransport import RTCSctpTransport
from aiortc.rtcdatachannel import RTCDataChannel, RTCDataChannelParameters

BINARY = bytes([0, 1, 2, 0xcc, 0xff]) * 300


class FakeIce:
    """What RTCDtlsTransport and RTCSctpTransport use of an ICE transport"""

    def __init__(self, role, sock_transport, queue):
        self.role = role
        self._sock = sock_transport
        self._queue = queue

    async def _send(self, data):
        self._sock.sendto(data)

    async def _recv(self):
        data = await self._queue.get()
        if data is None:
            raise ConnectionError
        return data


class Proto(asyncio.DatagramProtocol):
    def __init__(self, queue):
        self.queue = queue

    def datagram_received(self, data, addr):
        self.queue.put_nowait(data)

    def error_received(self, exc):
        pass


async def run(port, fingerprint, mode):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    sock, _ = await loop.create_datagram_endpoint(
        lambda: Proto(queue), remote_addr=("127.0.0.1", port))

    cert = RTCCertificate.generateCertificate()
    own = [f for f in cert.getFingerprints() if f.algorithm == "sha-256"][0]
    sock.sendto(("fp sha-256 " + own.value).encode())

    role = "controlling" if mode == "dtls-server" else "controlled"
    ice = FakeIce(role, sock, queue)
    dtls = RTCDtlsTransport(ice, [cert])
    alg, value = fingerprint.split(" ", 1)
    await asyncio.wait_for(dtls.start(RTCDtlsParameters(
        fingerprints=[RTCDtlsFingerprint(algorithm=alg, value=value)])), 15)
    if dtls.state != "connected":
        print("dtls:", dtls.state, file=sys.stderr)
        return 3

    keys = dtls.ssl.export_keying_material(b"EXTRACTOR-dtls_srtp", 60)
    sctp = RTCSctpTransport(dtls)
    got = {"pong": False, "binary": False}
    done = asyncio.Event()
    channels = []

    def wire(ch):
        channels.append(ch)

        @ch.on("message")
        def on_message(msg):
            if msg == "pong":
                got["pong"] = True
            elif isinstance(msg, bytes) and msg == BINARY:
                got["binary"] = True
            if all(got.values()):
                done.set()

        def greet():
            ch.send("keys " + bytes(keys).hex())
            ch.send(BINARY)

        if ch.readyState == "open":
            greet()
        else:
            ch.on("open", greet)

    @sctp.on("datachannel")
    def on_datachannel(ch):
        if ch.label == "calls-dc":
            wire(ch)

    await sctp.start(RTCSctpTransport.getCapabilities(), 5000)
    if mode == "dtls-server":
        wire(RTCDataChannel(sctp, RTCDataChannelParameters(label="calls-dc")))

    try:
        await asyncio.wait_for(done.wait(), 15)
    except asyncio.TimeoutError:
        print("timeout:", got, file=sys.stderr)
        return 4

    # close calls-dc (stream reset, RFC 8831 6.7); the C side resets its
    # stream too, which closes the channel here
    closed = asyncio.Event()
    channels[0].on("close", closed.set)
    channels[0].close()
    try:
        await asyncio.wait_for(closed.wait(), 5)
    except asyncio.TimeoutError:
        print("channel close not completed", file=sys.stderr)
        return 5

    await asyncio.sleep(0.2)
    await sctp.stop()
    await dtls.stop()
    sock.close()
    return 0


def main():
    port, fingerprint, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    sys.exit(asyncio.run(run(port, fingerprint, mode)))


if __name__ == "__main__":
    main()
