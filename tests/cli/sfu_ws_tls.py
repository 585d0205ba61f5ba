#!/usr/bin/python3
"""/ws over HTTPS (tests/cli/sfu-ws.bats): rtcd's limits hold under TLS too.

    sfu_ws_tls.py HOST:PORT CAFILE CLIENTID AUTHKEY

1. With Python's websockets (pongs answered): a 900 KiB join frame is
   accepted (over 128 KiB, libre's own limit) and the connection stays
   open across several ping intervals.
2. A raw TLS client that never answers pings: the server drops it; the
   test reads that from the daemon's log (printed "raw client done").
Exit 0 when step 1 held.
"""
import asyncio
import base64
import socket
import ssl
import sys
import time

import msgpack
import websockets


async def big_join(api, ctx, auth):
    async with websockets.connect(
            "wss://%s/ws" % api, ssl=ctx, max_size=None, ping_interval=None,
            extra_headers={"Authorization": auth}) as ws:
        u = msgpack.Unpacker(raw=False)
        u.feed(await asyncio.wait_for(ws.recv(), 10))
        if next(u) != "hello":
            print("no hello")
            return 1
        frame = msgpack.packb("join") + msgpack.packb({
            "callID": "tls1", "userID": "u1", "sessionID": "tls-s1",
            "channelID": "x" * 900000})
        await ws.send(frame)
        await asyncio.sleep(3)      # several 200 ms pings, answered
        if not ws.open:
            print("closed after a 900 KiB frame: code %s" % ws.close_code)
            return 1
        print("900 KiB frame accepted; open after 3 s of pings")
    return 0


def silent(api, ctx, auth):
    host, port = api.rsplit(":", 1)
    s = ctx.wrap_socket(socket.create_connection((host, int(port))),
                        server_hostname=host)
    s.sendall(("GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nAuthorization: %s\r\n\r\n"
               % (api, auth)).encode())
    s.settimeout(0.5)
    end = time.time() + 3
    while time.time() < end:        # read pings, never answer
        try:
            if not s.recv(65536):
                break
        except socket.timeout:
            pass
    s.close()
    print("raw client done")


def main(api, cafile, client_id, key):
    ctx = ssl.create_default_context(cafile=cafile)
    auth = "Basic " + base64.b64encode(
        ("%s:%s" % (client_id, key)).encode()).decode()
    rc = asyncio.run(big_join(api, ctx, auth))
    silent(api, ctx, auth)
    return rc


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
