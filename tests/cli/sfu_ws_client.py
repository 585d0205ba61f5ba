#!/usr/bin/python3
"""rtcd WebSocket protocol checks against calls-sfu, with a client we did
not write: Python's websockets and msgpack (Debian python3-websockets,
python3-msgpack). Used by tests/cli/sfu-ws.bats.

    sfu_ws_client.py SCENARIO --api http://127.0.0.1:PORT [--pid PID]

Each scenario registers its own clients (self-registration must be on),
prints what it checked and exits 0, or prints why and exits 1. Every wait
is bounded.
"""
import argparse
import asyncio
import base64
import json
import os
import secrets
import signal
import socket
import struct
import sys
import time
import urllib.error
import urllib.request

import msgpack
import websockets

ALPHABET = set("ybndrfg8ejkmcpqxot1uwisza345h769")
WAIT = 10.0          # bound of any single wait (seconds)
OFFER = json.dumps({"type": "offer", "sdp": "v=0\r\n"}).encode()


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print("ok:", what)


def frame(mtype, data):
    return msgpack.packb(mtype) + msgpack.packb(data, use_bin_type=True)


def unframe(buf):
    u = msgpack.Unpacker(raw=False)
    u.feed(buf)
    vals = list(u)
    if len(vals) != 2:
        raise Fail("frame is not two msgpack values: %r" % (vals,))
    return vals[0], vals[1]


def rtc_msg(sid, mtype, data=None):
    m = {"session_id": sid, "type": mtype}
    if data is not None:
        m["data"] = data
    return frame("rtc", m)


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.host, self.port = self.base.split("//")[1].split(":")
        self.port = int(self.port)

    def req(self, method, path, body=None, auth=None):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request(self.base + path, data=data,
                                   method=method)
        if auth:
            r.add_header("Authorization", auth)
        try:
            with urllib.request.urlopen(r, timeout=WAIT) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def register(self, prefix="c"):
        cid = "%s-%s" % (prefix, secrets.token_hex(4))
        key = secrets.token_hex(20)
        st, body = self.req("POST", "/register",
                            {"clientID": cid, "authKey": key})
        if st != 201:
            raise Fail("register %s: %d %s" % (cid, st, body))
        return Client(self, cid, key)


class Client:
    def __init__(self, api, cid, key):
        self.api = api
        self.cid = cid
        self.key = key
        self.basic = "Basic " + base64.b64encode(
            ("%s:%s" % (cid, key)).encode()).decode()

    def sessions(self, call, sid=None):
        path = "/calls/%s/sessions" % call
        if sid:
            path += "/" + sid
        st, body = self.api.req("GET", path, auth=self.basic)
        return st, (json.loads(body) if st == 200 else body)

    def bearer(self):
        st, body = self.api.req("POST", "/login",
                                {"clientID": self.cid, "authKey": self.key})
        if st != 200:
            raise Fail("login: %d %s" % (st, body))
        return "Bearer " + json.loads(body)["bearerToken"]

    async def ws(self, auth=None, **kw):
        url = "ws://%s:%d/ws" % (self.api.host, self.api.port)
        c = await asyncio.wait_for(websockets.connect(
            url, extra_headers={"Authorization": auth or self.basic},
            max_size=None, ping_interval=None, **kw), WAIT)
        t, hello = unframe(await asyncio.wait_for(c.recv(), WAIT))
        if t != "hello":
            raise Fail("first message is %r, not hello" % t)
        c.hello = hello
        return c


def join_data(call, sid, user="u1"):
    return {"callID": call, "userID": user, "sessionID": sid,
            "channelID": "ch-" + call, "av1Support": False,
            "dcSignaling": False}


async def join(ws, call, sid, user="u1"):
    """Joins without offering: the daemons of these tests run with a
    long offer deadline (a fake offer would be refused by the media
    plane, closing the session)"""
    await ws.send(frame("join", join_data(call, sid, user)))


async def real_offer():
    """An SDP offer from an independent WebRTC stack (aiortc), with the
    client-created data channel the Calls clients open"""
    from aiortc import RTCPeerConnection
    pc = RTCPeerConnection()
    pc.createDataChannel("calls-dc")
    await pc.setLocalDescription(await pc.createOffer())
    return pc, json.dumps({"type": "offer",
                           "sdp": pc.localDescription.sdp}).encode()


async def recv_msg(ws, timeout=WAIT):
    t, d = unframe(await asyncio.wait_for(ws.recv(), timeout))
    return t, d


async def expect_close(ws, sid, timeout=WAIT):
    t, d = await recv_msg(ws, timeout)
    while t in ("rtc", "vad") and d.get("session_id") != sid:
        t, d = await recv_msg(ws, timeout)   # the media plane's traffic
    check(t == "close" and d == {"sessionID": sid},
          "close for %s (got %s %r)" % (sid, t, d))


async def expect_silence(ws, secs):
    try:
        t, d = await recv_msg(ws, secs)
    except asyncio.TimeoutError:
        return
    raise Fail("unexpected %s %r" % (t, d))


def sid():
    return "s-" + secrets.token_hex(8)


async def settle(client, call, n):
    """Waits until GET sessions shows n sessions (joins are async)"""
    for _ in range(100):
        st, body = client.sessions(call)
        if (n == 0 and st == 404) or (st == 200 and len(body) == n):
            return body
        await asyncio.sleep(0.05)
    raise Fail("call %s never had %d sessions: %s" % (call, n, body))


# ---------------------------------------------------------------- scenarios

async def sc_hello(api, args):
    a = api.register()
    ws1 = await a.ws()
    ws2 = await a.ws()
    for h in (ws1.hello, ws2.hello):
        check(set(h) == {"clientID", "connID"}, "hello has clientID, connID")
        check(h["clientID"] == a.cid, "hello clientID is ours")
        check(len(h["connID"]) == 26 and set(h["connID"]) <= ALPHABET,
              "connID is 26 chars of rtcd's alphabet")
    check(ws1.hello["connID"] != ws2.hello["connID"], "connIDs differ")
    await ws1.close()
    await ws2.close()


async def sc_join(api, args):
    a = api.register()
    b = api.register()
    ws = await a.ws()
    call, s1, s2 = "call-" + secrets.token_hex(4), sid(), sid()
    await join(ws, call, s1, "u1")
    # a join without av1Support/dcSignaling/channelID: Props null
    await ws.send(frame("join", {"callID": call, "userID": "u2",
                                 "sessionID": s2}))
    body = await settle(a, call, 2)
    check(body[0] == {"GroupID": a.cid, "CallID": call, "UserID": "u1",
                      "SessionID": s1,
                      "Props": {"av1Support": False,
                                "channelID": "ch-" + call,
                                "dcSignaling": False}},
          "SessionConfig of a full join")
    check(body[1]["Props"] == {"av1Support": None, "channelID": None,
                               "dcSignaling": None},
          "Props null when the join lacked them")
    st, one = a.sessions(call, s2)
    check(st == 200 and one["SessionID"] == s2, "GET one session")
    st, txt = b.sessions(call)
    check(st == 404 and "group not found" in txt,
          "another group sees 404 group not found (%d %s)" % (st, txt))
    st, txt = a.sessions("nope")
    check(st == 404 and "call not found" in txt, "404 call not found")
    # a duplicate sessionID is refused and sends nothing
    await ws.send(frame("join", join_data(call, s1, "u9")))
    await expect_silence(ws, 0.5)
    await settle(a, call, 2)
    for s in (s1, s2):
        await ws.send(frame("leave", {"sessionID": s}))
        await expect_close(ws, s)
    await settle(a, call, 0)
    await ws.close()


async def sc_deadline(api, args):
    a = api.register()
    ws = await a.ws()
    call, late, early = "call-" + secrets.token_hex(4), sid(), sid()
    pc, offer = await real_offer()
    try:
        await join(ws, call, late)
        await join(ws, call, early)
        await ws.send(rtc_msg(early, 2, offer))
        t0 = time.monotonic()
        # the answer to the offer, all ids filled as rtcd does
        while True:
            t, d = await recv_msg(ws)
            if t == "close":
                check(d == {"sessionID": late}, "close of the late one")
                closed = True
                break
            if t == "rtc" and d.get("type") == 2:
                ans = json.loads(d["data"])
                check(ans.get("type") == "answer" and
                      ans.get("sdp", "").startswith("v=0"),
                      "an SDP answer to the offer")
                check(d["session_id"] == early and d["call_id"] == call
                      and d["user_id"] == "u1" and
                      d["group_id"] == a.cid,
                      "the answer carries group/call/user/session ids")
                closed = False
                break
        if not closed:
            await expect_close(ws, late)
        print("ok: deadline close after %.2f s" % (time.monotonic() - t0))
        body = await settle(a, call, 1)
        check(body[0]["SessionID"] == early, "the offering session stays")
        await ws.send(frame("leave", {"sessionID": early}))
        await expect_close(ws, early)
    finally:
        await pc.close()
    await ws.close()


async def sc_reconnect(api, args):
    a = api.register()
    call, s1 = "call-" + secrets.token_hex(4), sid()
    ws1 = await a.ws()
    await join(ws1, call, s1)
    await settle(a, call, 1)
    await ws1.close()
    await asyncio.sleep(0.3)
    await settle(a, call, 1)
    print("ok: session survives its WebSocket")
    ws2 = await a.ws()
    ws3 = await a.ws()
    await ws2.send(frame("reconnect", {"sessionID": s1}))
    await asyncio.sleep(0.2)
    # ws3 ends the session; the close is routed by the map to ws2
    await ws3.send(frame("leave", {"sessionID": s1}))
    await expect_close(ws2, s1)
    await expect_silence(ws3, 0.5)
    print("ok: close went to the reconnected conn, not the sender")
    await ws2.close()
    await ws3.close()


async def sc_isolation(api, args):
    a = api.register("ga")
    b = api.register("gb")
    call, s1 = "call-" + secrets.token_hex(4), sid()
    wa = await a.ws()
    wb = await b.ws()
    await join(wa, call, s1)
    await settle(a, call, 1)
    await wb.send(frame("leave", {"sessionID": s1}))
    await wb.send(rtc_msg(s1, 3))
    await wb.send(rtc_msg(s1, 2, OFFER))
    await wb.send(frame("reconnect", {"sessionID": s1}))
    await expect_silence(wb, 0.5)
    await settle(a, call, 1)
    print("ok: group B cannot leave/signal/reconnect A's session")
    # B's reconnect did not steal the route: A still gets the close
    await wa.send(frame("leave", {"sessionID": s1}))
    await expect_close(wa, s1)
    await expect_silence(wb, 0.3)
    # B's join with A's call id lands in B's own group
    sb = sid()
    await join(wb, call, sb)
    await settle(b, call, 1)
    st, _ = a.sessions(call)
    check(st == 404, "A's view of the call is unaffected")
    await wb.send(frame("leave", {"sessionID": sb}))
    await expect_close(wb, sb)
    await wa.close()
    await wb.close()


async def sc_maxpart(api, args):
    a = api.register()
    ws = await a.ws()
    call = "call-" + secrets.token_hex(4)
    ids = [sid() for _ in range(args.max + 1)]
    for s in ids[:-1]:
        await join(ws, call, s)
    await settle(a, call, args.max)
    await join(ws, call, ids[-1])
    await expect_close(ws, ids[-1])
    await settle(a, call, args.max)
    # another call is fine
    await join(ws, "other-" + call, sid())
    await settle(a, "other-" + call, 1)
    await ws.close()


async def sc_drain(api, args):
    a = api.register()
    ws = await a.ws()
    call, s1, s2 = "call-" + secrets.token_hex(4), sid(), sid()
    await join(ws, call, s1)
    await settle(a, call, 1)
    os.kill(args.pid, signal.SIGTERM)
    await asyncio.sleep(0.3)
    await join(ws, call, s2)
    await expect_close(ws, s2)
    print("ok: join refused while draining")
    await settle(a, call, 1)
    await ws.send(frame("leave", {"sessionID": s1}))
    await expect_close(ws, s1)
    await ws.close()


# -- raw WebSocket client (for pings: websockets always answers them)

class Raw:
    def __init__(self, api, auth, rcvbuf=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(WAIT)
        self.s.connect((api.host, api.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET /ws HTTP/1.1\r\nHost: %s:%d\r\n"
                        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n"
                        "Authorization: %s\r\n\r\n"
                        % (api.host, api.port, key, auth)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                raise Fail("no upgrade")
            self.buf += d
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise Fail("upgrade refused: %r" % head)

    def send(self, op, payload, fin=True, mask=True, length=None):
        n = len(payload) if length is None else length
        b0 = (0x80 if fin else 0) | op
        mk = 0x80 if mask else 0
        if n < 126:
            h = struct.pack("!BB", b0, mk | n)
        elif n < 65536:
            h = struct.pack("!BBH", b0, mk | 126, n)
        else:
            h = struct.pack("!BBQ", b0, mk | 127, n)
        if mask:
            m = os.urandom(4)
            payload = bytes(c ^ m[i % 4] for i, c in enumerate(payload))
            h += m
        self.s.sendall(h + payload)

    def recv(self, timeout):
        """One frame (op, payload); None at EOF"""
        self.s.settimeout(timeout)
        while True:
            if len(self.buf) >= 2:
                n = self.buf[1] & 0x7f
                off = 2
                if n == 126:
                    n, off = struct.unpack("!H", self.buf[2:4])[0], 4
                elif n == 127:
                    n, off = struct.unpack("!Q", self.buf[2:10])[0], 10
                if len(self.buf) >= off + n:
                    op = self.buf[0] & 0x0f
                    p = self.buf[off:off + n]
                    self.buf = self.buf[off + n:]
                    return op, p
            try:
                d = self.s.recv(65536)
            except ConnectionResetError:
                return None
            if not d:
                return None
            self.buf += d


def raw_until_closed(r, pong, secs):
    """Reads frames for up to secs; answers pings if pong. Returns
    (pings seen, closed?, close code)"""
    pings, end = 0, time.monotonic() + secs
    while time.monotonic() < end:
        try:
            f = r.recv(max(0.05, end - time.monotonic()))
        except socket.timeout:
            break
        if f is None:
            return pings, True, None
        op, p = f
        if op == 0x9:
            pings += 1
            if pong:
                r.send(0xA, p)
        elif op == 0x8:
            return pings, True, struct.unpack("!H", p[:2])[0] if p else None
    return pings, False, None


async def sc_ping(api, args):
    a = api.register()
    loop = asyncio.get_running_loop()
    good = Raw(api, a.basic)
    bad = Raw(api, a.basic)
    # both run at once; the pong timeout is a few ping intervals
    rg = loop.run_in_executor(None, raw_until_closed, good, True,
                              args.secs)
    rb = loop.run_in_executor(None, raw_until_closed, bad, False,
                              args.secs)
    (gp, gclosed, _), (bp, bclosed, _) = await asyncio.gather(rg, rb)
    check(gp >= 2 and bp >= 1, "both clients saw pings (%d, %d)" % (gp, bp))
    check(bclosed, "the client that never pongs was dropped")
    check(not gclosed, "the client that pongs is still connected")
    # and it still works
    good.send(0x2, frame("join", join_data("pingcall", sid())))
    await settle(a, "pingcall", 1)
    # websockets' own client sees our pings too, and pongs them
    ws = await a.ws()
    pong_waiter = await ws.ping()
    await asyncio.wait_for(pong_waiter, WAIT)
    check(True, "server answers a client ping")
    await ws.close()


async def one_herd(c, auth, call, k, sem):
    # connection attempts a few at a time: the API listener's accept
    # backlog is libre's 5, and SYNs beyond it are retried after 1 s, 3 s..
    async with sem:
        ws = await c.ws(auth=auth)
    ids = [sid() for _ in range(k)]
    for s in ids:
        await join(ws, call, s)
    return ws, ids


async def sc_herd(api, args):
    a = api.register()
    auth = a.bearer()
    call = "herd-" + secrets.token_hex(4)
    t0 = time.monotonic()
    sem = asyncio.Semaphore(4)
    res = await asyncio.wait_for(asyncio.gather(
        *[one_herd(a, auth, call, args.per, sem)
          for _ in range(args.n)]), 60)
    t1 = time.monotonic()
    total = args.n * args.per
    body = await settle(a, call, total)
    check(len({s["SessionID"] for s in body}) == total,
          "%d clients joined %d sessions" % (args.n, total))
    conns = {ws.hello["connID"] for ws, _ in res}
    check(len(conns) == args.n, "%d distinct connIDs" % args.n)

    async def leave_all(ws, ids):
        for s in ids:
            await ws.send(frame("leave", {"sessionID": s}))
        for s in ids:
            await expect_close_quiet(ws, ids)
        await ws.close()

    await asyncio.wait_for(asyncio.gather(
        *[leave_all(ws, ids) for ws, ids in res]), 60)
    t2 = time.monotonic()
    await settle(a, call, 0)
    print("ok: herd connect+join %.2f s, leave+close %.2f s"
          % (t1 - t0, t2 - t1))


async def expect_close_quiet(ws, ids):
    t, d = await recv_msg(ws)
    if t != "close" or d.get("sessionID") not in ids:
        raise Fail("herd: unexpected %s %r" % (t, d))


async def expect_dropped(ws, codes, what):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), WAIT)
    except websockets.ConnectionClosed as e:
        code = e.rcvd.code if e.rcvd else None
        check(code in codes, "%s: closed with %s" % (what, code))
        return
    raise Fail("%s: not closed" % what)


async def sc_bad(api, args):
    a = api.register()
    call = "bad-" + secrets.token_hex(4)
    bystander = await a.ws()
    await join(bystander, call, "bystander-" + sid())
    await settle(a, call, 1)

    cases = [
        ("garbage", b"\xc1\xff\x00garbage", (1007,)),
        ("truncated msgpack", frame("join", join_data(call, sid()))[:-3],
         (1007,)),
        ("unknown type", frame("nope", {}), (1007,)),
        ("leave with int value", frame("leave", {"sessionID": 5}), (1007,)),
        ("two values then junk", frame("leave", {"sessionID": "x"}) + b"\x01",
         (1007,)),
        ("huge map count", b"\xa5leave\xdf\xff\xff\xff\xff", (1007,)),
        ("oversized frame (>1 MiB)", b"\x00" * (1024 * 1024 + 1),
         (1009,)),
    ]
    for what, payload, codes in cases:
        ws = await a.ws()
        await ws.send(payload)
        await expect_dropped(ws, codes, what)

    # a text frame: logged and ignored, the connection keeps working
    ws = await a.ws()
    await ws.send("hello as text")
    s = sid()
    await join(ws, call, s)
    await settle(a, call, 2)
    check(True, "text frame ignored, connection still serves")
    await ws.send(frame("leave", {"sessionID": s}))
    await expect_close(ws, s)
    await ws.close()

    # a 600 KiB frame is within rtcd's 1 MiB limit (libre alone would
    # cap it at 128 KiB)
    ws = await a.ws()
    s = sid()
    await join(ws, call, s)
    # an ICE message with an empty candidate: accepted and ignored
    big = json.dumps({"candidate": "", "pad": "x" * 700000}).encode()
    await ws.send(rtc_msg(s, 1, big))
    await settle(a, call, 2)
    await ws.send(frame("leave", {"sessionID": s}))
    await expect_close(ws, s)
    check(len(big) > 512 * 1024, "a %d-byte frame accepted" % len(big))
    await ws.close()

    # a fragmented message is reassembled
    ws = await a.ws()
    s = sid()
    data = frame("join", join_data(call, s))
    await ws.send([data[:5], data[5:20], data[20:]])
    await settle(a, call, 2)
    check(True, "fragmented join reassembled")
    await ws.send(frame("leave", {"sessionID": s}))
    await expect_close(ws, s)
    await ws.close()

    # fragments adding up to more than 1 MiB
    ws = await a.ws()
    await ws.send([b"\xa4join", b"\x00" * (600 * 1024),
                   b"\x00" * (600 * 1024)])
    await expect_dropped(ws, (1009,), "fragments over 1 MiB")

    # the bystander was never disturbed
    body = await settle(a, call, 1)
    st = body[0]["SessionID"]
    await bystander.send(frame("leave", {"sessionID": st}))
    await expect_close(bystander, st)
    await bystander.close()
    check(True, "the daemon kept serving the others")


async def sc_overflow(api, args):
    """A client that never reads while the server has closes to send:
    its queue overflows, it is closed, the others are served"""
    a = api.register()
    other = await a.ws()
    loop = asyncio.get_running_loop()

    def flood():
        r = Raw(api, a.basic, rcvbuf=4096)
        batch = []
        pad = "x" * 60000    # each close carries the 60 KB sessionID
        for i in range(args.n):
            s = "ov-%d-%s" % (i, pad)
            batch.append(mask_frame(frame("join", join_data("ovcall", s))))
            batch.append(mask_frame(frame("leave", {"sessionID": s})))
            if len(batch) >= 20:
                try:
                    r.s.sendall(b"".join(batch))
                except OSError:
                    return "send failed after %d" % i
                batch = []
        # now read: the server must have closed us
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            try:
                f = r.recv(1.0)
            except socket.timeout:
                continue
            except OSError:
                return "reset"
            if f is None or f[0] == 0x8:
                return "closed"
        return "still open"

    res = await loop.run_in_executor(None, flood)
    check(res != "still open", "flooding client dropped (%s)" % res)
    s = sid()
    await join(other, "ovcheck", s)
    await settle(a, "ovcheck", 1)
    await other.send(frame("leave", {"sessionID": s}))
    await expect_close(other, s)
    check(True, "the other connection still served")
    await other.close()


def mask_frame(payload, op=0x2):
    n = len(payload)
    if n < 126:
        h = struct.pack("!BB", 0x80 | op, 0x80 | n)
    elif n < 65536:
        h = struct.pack("!BBH", 0x80 | op, 0x80 | 126, n)
    else:
        h = struct.pack("!BBQ", 0x80 | op, 0x80 | 127, n)
    m = os.urandom(4)
    k = (m * (n // 4 + 1))[:n]
    x = (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big"))
    return h + m + x.to_bytes(n, "big")


SCENARIOS = {
    "hello": sc_hello, "join": sc_join, "deadline": sc_deadline,
    "reconnect": sc_reconnect, "isolation": sc_isolation,
    "maxpart": sc_maxpart, "drain": sc_drain, "ping": sc_ping,
    "herd": sc_herd, "bad": sc_bad, "overflow": sc_overflow,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--api", required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--max", type=int, default=2)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--per", type=int, default=2)
    p.add_argument("--secs", type=float, default=3.0)
    args = p.parse_args()
    try:
        asyncio.run(asyncio.wait_for(SCENARIOS[args.scenario](
            Api(args.api), args), 120))
    except (Fail, AssertionError, asyncio.TimeoutError, OSError,
            websockets.WebSocketException) as e:
        print("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
