#!/usr/bin/python3
"""Holds one rtcd session open on calls-sfu, for the drain tests of
tests/cli/sfu-api.bats (Debian python3-websockets and python3-msgpack: a
client we did not write).

    sfu_api_hold.py WS_URL AUTH CALL SESSION OUT [LEAVEFILE]

Connects to WS_URL with the Authorization value AUTH, joins CALL as
SESSION without an offer (the tests raise the offer deadline with
CALLS_SFU_TEST_OFFER_TIMEOUT_MS), and writes "joined" to OUT. Then it waits: when LEAVEFILE appears it sends
`leave`; a `close` for the session is written to OUT as "close SESSION"
and ends the script (exit 0). A dropped connection writes "dropped".
Every wait is bounded (60 s in all).
"""
import asyncio
import os
import sys

import msgpack
import websockets


def frame(mtype, data):
    return msgpack.packb(mtype) + msgpack.packb(data, use_bin_type=True)


def note(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


async def main(url, auth, call, sid, out, leavefile):
    ws = await asyncio.wait_for(websockets.connect(
        url, extra_headers={"Authorization": auth}, ping_interval=None),
        10)
    u = msgpack.Unpacker(raw=False)
    u.feed(await asyncio.wait_for(ws.recv(), 10))
    if next(u) != "hello":
        note(out, "no hello")
        return 1
    await ws.send(frame("join", {
        "callID": call, "userID": "u1", "sessionID": sid,
        "channelID": "ch1", "av1Support": False, "dcSignaling": False}))
    note(out, "joined")
    left = False
    for _ in range(600):
        if leavefile and not left and os.path.exists(leavefile):
            await ws.send(frame("leave", {"sessionID": sid}))
            left = True
        try:
            buf = await asyncio.wait_for(ws.recv(), 0.1)
        except asyncio.TimeoutError:
            continue
        except websockets.ConnectionClosed:
            note(out, "dropped")
            return 0
        u = msgpack.Unpacker(raw=False)
        u.feed(buf)
        vals = list(u)
        if vals and vals[0] == "close":
            note(out, "close %s" % vals[1].get("sessionID"))
            return 0
    note(out, "timeout")
    return 1


if __name__ == "__main__":
    a = sys.argv[1:]
    sys.exit(asyncio.run(main(a[0], a[1], a[2], a[3], a[4],
                              a[5] if len(a) > 5 else None)))
