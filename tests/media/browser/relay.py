#!/usr/bin/python3
"""Headless Chromium in a call through calls-sfu, with an aiortc peer.

    relay.py --api http://127.0.0.1:PORT --browser-dir DIR --profile DIR

A tiny relay on 127.0.0.1 port 0: HTTP GET / serves index.html, and the
WebSocket /signal carries JSON between the page and calls-sfu's /ws, as
the Calls plugin does (the page sends plain SDP, so nothing is inflated).
The relay also runs aiortc peer A (tests/media/harness.py) in the same
call, sending a 440 Hz tone. drive.js (playwright-core) opens the page in
/usr/bin/chromium with fake media and loopback-only WebRTC.

Checks: the page connects (ICE/DTLS, calls-dc); it receives A's audio
(getStats inbound-rtp: packetsReceived growing, audioLevel above 0.05,
totalAudioEnergy rising); it shares a canvas as its screen (ScreenOn, DC lock, VP8) and A
decodes its frames with the canvas colours; it publishes its fake
microphone: A decodes it and its audio-level extension gives a `vad`
VoiceOn for the page's session. Prints "ok: ..." lines; exit 0, or 1 with
"FAIL: ...".
"""
import argparse
import asyncio
import http
import json
import os
import sys
import time

import numpy as np
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import harness as h  # noqa: E402


class PageSession:
    """The page's session, as the plugin sees it: rtc messages from
    calls-sfu for it go to the page's socket"""

    def __init__(self, sig, call_id):
        self.sig, self.call_id = sig, call_id
        self.sid = h.new_id()
        self.inbox = asyncio.Queue()
        self.closed = asyncio.Event()
        self.results = {}
        self.got = asyncio.Event()
        self.ws = None

    async def pump(self):
        while True:
            mtype, data = await self.inbox.get()
            await self.ws.send(json.dumps({"op": "rtc", "type": mtype,
                                           "data": data.decode()}))

    async def handle(self, ws, path):
        if path != "/signal" or self.ws is not None:
            return
        self.ws = ws
        self.sig.peers[self.sid] = self
        pump = asyncio.ensure_future(self.pump())
        try:
            async for raw in ws:
                m = json.loads(raw)
                op = m.get("op")
                if op == "join":
                    await self.sig.send("join", {
                        "callID": self.call_id, "userID": "user-chromium",
                        "sessionID": self.sid, "channelID": "chan",
                        "av1Support": False, "dcSignaling": False})
                elif op == "sdp":
                    await self.rtc(h.RTC_SDP, json.dumps(m["desc"]))
                elif op == "ice":
                    await self.rtc(h.RTC_ICE, json.dumps(m["candidate"]))
                elif op == "screenon":
                    await self.rtc(h.RTC_SCREEN_ON, json.dumps(
                        {"screenStreamID": m["id"]}))
                elif op == "result":
                    print("# page:", m["step"], json.dumps(m["data"]),
                          flush=True)
                    self.results[m["step"]] = m["data"]
                    self.got.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            pump.cancel()

    async def rtc(self, mtype, data):
        await self.sig.send("rtc", {"session_id": self.sid, "type": mtype,
                                    "data": data.encode()})

    async def step(self, name, timeout):
        end = time.monotonic() + timeout
        while name not in self.results:
            if "error" in self.results:
                raise h.Fail("page: %s" % self.results["error"]["what"])
            left = end - time.monotonic()
            if left <= 0:
                raise h.Fail("page did not reach %r within %.0f s" %
                             (name, timeout))
            self.got.clear()
            try:
                await asyncio.wait_for(self.got.wait(), left)
            except asyncio.TimeoutError:
                pass
        return self.results[name]


async def run(args):
    page_html = open(os.path.join(args.browser_dir, "index.html"),
                     "rb").read()

    def http_page(path, headers):
        if path.split("?")[0] in ("/", "/index.html"):
            return (http.HTTPStatus.OK,
                    [("Content-Type", "text/html; charset=utf-8")],
                    page_html)
        if path == "/signal":
            return None                         # the WebSocket
        return (http.HTTPStatus.NOT_FOUND, [], b"not found\n")

    ctx = h.Ctx(args)
    await ctx.__aenter__()
    node = None
    try:
        a = await ctx.peer("A")
        await a.publish(h.Tone())
        check = h.check
        page = PageSession(ctx.sig, ctx.call)
        server = await websockets.serve(page.handle, "127.0.0.1", 0,
                                        process_request=http_page)
        port = server.sockets[0].getsockname()[1]
        url = "http://127.0.0.1:%d/?a=%s" % (port, a.sid)
        node = await asyncio.create_subprocess_exec(
            "node", os.path.join(args.browser_dir, "drive.js"), url,
            args.profile, str(int(args.timeout)))
        st = await page.step("connected", 40)
        check(st.get("state") == "connected",
              "Chromium: ICE/DTLS connected and calls-dc open")
        au = await page.step("audio", 30)
        check(au["packetsReceived"] > 0, "Chromium receives A's audio "
              "(inbound-rtp packetsReceived %d)" % au["packetsReceived"])
        check(au["packetsLater"] > au["packetsReceived"],
              "1 s later: packetsReceived %d" % au["packetsLater"])
        check(au["maxLevel"] > 0.05 and au["levelLater"] > 0.05,
              "Chromium's audioLevel %.3f, 1 s later %.3f (> 0.05)" %
              (au["maxLevel"], au["levelLater"]))
        check(au["energyLater"] > au["energy"], "totalAudioEnergy rising: "
              "%.5f -> %.5f" % (au["energy"], au["energyLater"]))
        sh = await page.step("sharing", 30)
        check(True, "Chromium shares its screen (%s, stream %s)" %
              (sh.get("codec"), sh.get("streamId")))
        await h.until(lambda: a.sink_from(page, "screen") is not None,
                      "A receives Chromium's screen (MediaMap %r)" %
                      a.media_map)
        s = a.sink_from(page, "screen")
        await h.until(lambda: s.frames >= 10, "10 decoded frames at A", 20)
        f = s.last
        img = f.to_ndarray(format="rgb24").astype(int)
        wd = f.width
        lm = np.median(img[:, :wd // 2 - wd // 20].reshape(-1, 3), axis=0)
        rm = np.median(img[:, wd // 2 + wd // 20:].reshape(-1, 3), axis=0)
        check(True, "A decoded %d VP8 frames of %dx%d from Chromium" %
              (s.frames, f.width, f.height))
        check(lm[0] > 150 and lm[2] < 100, "left half red %s" % lm)
        check(rm[2] > 150 and rm[0] < 100, "right half blue %s" % rm)
        mic = await page.step("mic", 30)
        check(mic.get("audioLevelExt") is True, "Chromium publishes its "
              "fake microphone; the answer has the audio-level extension")
        await h.until(lambda: a.sink_from(page, "voice") is not None,
                      "A receives Chromium's voice")
        v = a.sink_from(page, "voice")
        await h.until(lambda: len(v.samples) >= h.RATE, "1 s of Chromium's "
                      "voice decoded at A", 20)
        check(True, "A decodes Chromium's voice (%d packets)" %
              (await a.inbound(v))[0])
        await h.until(lambda: any(sid == page.sid and t == h.RTC_VOICE_ON
                                  for sid, t, _ in ctx.sig.vad),
                      "vad VoiceOn for Chromium's session", 20)
        check(True, "Chromium's audio levels give vad VoiceOn")
        await page.ws.send(json.dumps({"op": "done"}))
        await page.step("done", 10)
        server.close()
    finally:
        if node:
            try:
                await asyncio.wait_for(node.wait(), 15)
            except asyncio.TimeoutError:
                node.kill()
                await node.wait()
        await ctx.__aexit__(None, None, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--api", required=True)
    ap.add_argument("--browser-dir", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    try:
        asyncio.run(asyncio.wait_for(run(args), args.timeout))
    except h.Fail as e:
        print("FAIL:", e, flush=True)
        sys.exit(1)
    except asyncio.TimeoutError:
        print("FAIL: exceeded %.0f s" % args.timeout, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
