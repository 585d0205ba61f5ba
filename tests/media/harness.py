#!/usr/bin/python3
"""End-to-end media checks of calls-sfu with real WebRTC peers (aiortc).

The harness plays the Mattermost Calls plugin's role towards calls-sfu:
it registers a client, opens /ws with Basic auth (rtcd framing: two
msgpack values per binary frame), joins sessions and relays their SDP and
ICE as `rtc` messages. Each simulated user is an aiortc RTCPeerConnection
(Debian python3-aiortc 1.4) that offers first with the `calls-dc` data
channel and speaks rtcd's DC protocol on it (Ping/Pong, Lock before it
publishes, MediaMap to classify what it receives).

    harness.py SCENARIO --api http://127.0.0.1:PORT --rtc 127.0.0.1:PORT
               [--rtc-tcp 127.0.0.1:PORT] [--pid PID] [options]

Scenarios (each one test of tests/cli/media.bats unless said):
  probe        join + offer; exit 3 when no SDP answer comes (no media
               plane in this calls-sfu), 0 when one does
  connect      two peers: ICE, DTLS, calls-dc open; conn_states metric;
               DC Ping and legacy text "ping" answered
  tone         A 440 Hz, B 660 Hz (Opus); B and late-joining C decode the
               right frequency from the right track (MediaMap), +- 10 Hz
  mute         Mute stops B's inbound packets, Unmute resumes the tone
  leave        A leaves: close for A, B's server offer makes A's m-line
               inactive/port 0, the call lists B only
  screen       ScreenOn + VP8 pattern; B's PLIs reach A's sender; B decodes
               frames of the right size and colours; B's NACK is answered
               by a retransmission; ScreenOff removes the track
  vad          gated tone -> vad VoiceOn (call_id, user_id), silence ->
               VoiceOff, speech -> VoiceOn, Mute -> VoiceOff
  icetcp       aioice has no ICE-TCP, so A's UDP is bridged into one RFC 4571
               TCP connection to the SFU's passive candidate; the SFU's
               UDP candidates are withheld from A; A is heard by B
  dcsignal     dcSignaling join: SDP over calls-dc (zlib JSON); exit 3 when
               calls-sfu still uses the WebSocket
  fingerprint  a wrong a=fingerprint in A's offer: close, B unharmed
  garbage      random/truncated STUN, DTLS, RTP datagrams, a replayed SRTP
               packet of A (not forwarded), RFC 4571 garbage: each counted
               in rtcd_rtc_errors_total; the call keeps flowing
  demo         scripts/demo's call: two peers, JSON of what flowed
  bench        scripts/bench/sfu-mem: RSS per idle session, CPU per packet

It starts nothing itself: the caller (tests/cli/media.bats, scripts/demo,
scripts/bench/sfu-mem) starts calls-sfu on loopback with self-registration
on. Every peer is pinned to 127.0.0.1 (aioice's address list is replaced,
no ICE servers). Each scenario prints "ok: ..." per check and exits 0, or
"FAIL: ..." and exits 1. Every wait is bounded.
"""
import argparse
import asyncio
import base64
import fractions
import json
import os
import random
import re
import secrets
import socket
import struct
import sys
import time
import urllib.error
import zlib
import urllib.request

import msgpack
import numpy as np
import websockets

import aioice.ice
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

from aiortc import (MediaStreamTrack, RTCConfiguration,  # noqa: E402
                    RTCPeerConnection, RTCSessionDescription)
from aiortc.sdp import candidate_from_sdp  # noqa: E402
from av import AudioFrame, VideoFrame  # noqa: E402

ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769"
WAIT = 15.0             # bound of one wait for the network (seconds)
RATE = 48000
FRAME = 960             # 20 ms at 48 kHz

# rtc message types (rtcd service/rtc/msg.go)
RTC_ICE, RTC_SDP, RTC_MUTE, RTC_UNMUTE = 1, 2, 3, 4
RTC_SCREEN_ON, RTC_SCREEN_OFF, RTC_VOICE_ON, RTC_VOICE_OFF = 5, 6, 7, 8
# DC message types (rtcd service/rtc/dc/msg.go)
DC_PING, DC_PONG, DC_SDP, DC_LOSS, DC_RTT, DC_JITTER = 1, 2, 3, 4, 5, 6
DC_LOCK, DC_UNLOCK, DC_MEDIAMAP = 7, 8, 9
SDP_VIA_DC = 1002       # inbox tag: an SDP that came over calls-dc


class Fail(Exception):
    pass


class Absent(Exception):
    """A piece of calls-sfu the scenario needs is not there (exit 3)"""


def check(cond, what):
    if not cond:
        raise Fail(what)
    print("ok:", what, flush=True)


def note(what):
    print("#", what, flush=True)


def new_id():
    return "".join(random.choice(ALPHABET) for _ in range(26))


async def until(pred, what, timeout=WAIT, step=0.05):
    """Waits until pred() is true; Fail(what) after timeout"""
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise Fail("timed out (%.0f s) waiting for %s" % (timeout, what))
        await asyncio.sleep(step)


# ---------------------------------------------------------------- HTTP API

class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

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

    def register(self):
        cid = "media-" + secrets.token_hex(4)
        key = secrets.token_urlsafe(32)
        st, body = self.req("POST", "/register",
                            {"clientID": cid, "authKey": key})
        if st != 201:
            raise Fail("register: %d %s" % (st, body))
        auth = "Basic " + base64.b64encode(
            ("%s:%s" % (cid, key)).encode()).decode()
        return cid, auth

    def metrics(self):
        """[(name, {label: value}, float)] of GET /metrics"""
        st, body = self.req("GET", "/metrics")
        if st != 200:
            raise Fail("GET /metrics: %d" % st)
        out = []
        for line in body.splitlines():
            if not line or line.startswith("#"):
                continue
            m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)',
                         line)
            if not m:
                continue
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"',
                                     m.group(3) or ""))
            try:
                out.append((m.group(1), labels, float(m.group(4))))
            except ValueError:
                pass
        return out

    def metric(self, name, **want):
        """Sum of the series of name whose labels include want"""
        return sum(v for n, lab, v in self.metrics() if n == name and
                   all(lab.get(k) == w for k, w in want.items()))

    def sessions(self, auth, call_id):
        st, body = self.req("GET", "/calls/%s/sessions" % call_id,
                            auth=auth)
        if st == 404:
            return []
        if st != 200:
            raise Fail("GET sessions: %d %s" % (st, body))
        return json.loads(body)


# ---------------------------------------------------------------- /ws

def frame(mtype, data):
    return msgpack.packb(mtype) + msgpack.packb(data, use_bin_type=True)


class Signal:
    """The plugin's WebSocket to calls-sfu, shared by the peers"""

    def __init__(self, api):
        self.api = api
        self.peers = {}
        self.vad = []           # (session_id, type, msg)
        self.closes = []
        self.ws = None
        self.task = None

    async def open(self):
        self.client_id, self.auth = self.api.register()
        url = "ws" + self.api.base[4:] + "/ws"
        self.ws = await websockets.connect(
            url, extra_headers={"Authorization": self.auth},
            max_size=1 << 20, ping_interval=None)
        t, hello = self.unframe(await asyncio.wait_for(self.ws.recv(),
                                                       WAIT))
        if t != "hello":
            raise Fail("first message is %r, not hello" % t)
        self.task = asyncio.ensure_future(self.reader())

    @staticmethod
    def unframe(buf):
        u = msgpack.Unpacker(raw=False)
        u.feed(buf)
        vals = list(u)
        if len(vals) != 2:
            raise Fail("frame is not two msgpack values: %r" % (vals,))
        return vals[0], vals[1]

    async def reader(self):
        try:
            async for buf in self.ws:
                if isinstance(buf, str):
                    continue
                t, d = self.unframe(buf)
                if t == "rtc":
                    p = self.peers.get(d.get("session_id"))
                    if p:
                        data = d.get("data") or b""
                        if isinstance(data, str):
                            data = data.encode()
                        p.inbox.put_nowait((d.get("type"), data))
                elif t == "vad":
                    self.vad.append((d.get("session_id"), d.get("type"),
                                     d))
                elif t == "close":
                    sid = d.get("sessionID")
                    self.closes.append(sid)
                    p = self.peers.get(sid)
                    if p:
                        p.closed.set()
        except websockets.ConnectionClosed:
            pass

    async def send(self, mtype, data):
        await self.ws.send(frame(mtype, data))

    async def close(self):
        if self.ws:
            await self.ws.close()
        if self.task:
            self.task.cancel()


# ---------------------------------------------------------------- media

class Tone(MediaStreamTrack):
    """A sine of freq Hz, 48 kHz mono frames of 20 ms, paced in real time.
    gate_ms > 0 switches it on and off every gate_ms (speech-like audio
    levels for VAD); silent = True sends zeros."""
    kind = "audio"

    def __init__(self, freq=440.0, amp=0.3, gate_ms=0):
        super().__init__()
        self.freq, self.amp, self.gate_ms = freq, amp, gate_ms
        self.silent = False
        self.pts = 0
        self.t0 = None

    async def recv(self):
        if self.t0 is None:
            self.t0 = time.monotonic()
        delay = self.t0 + self.pts / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        n = np.arange(self.pts, self.pts + FRAME)
        x = self.amp * np.sin(2 * np.pi * self.freq * n / RATE)
        if self.gate_ms and (self.pts * 1000 // RATE // self.gate_ms) % 2:
            x = x * 0
        if self.silent:
            x = x * 0
        f = AudioFrame.from_ndarray((x * 32767).astype(np.int16)
                                    .reshape(1, -1), format="s16",
                                    layout="mono")
        f.sample_rate = RATE
        f.pts = self.pts
        f.time_base = fractions.Fraction(1, RATE)
        self.pts += FRAME
        return f


class Pattern(MediaStreamTrack):
    """Video of W x H at 15 fps: left half red, right half blue, a white
    bar moving down (so frames differ)"""
    kind = "video"
    W, H = 320, 240

    def __init__(self):
        super().__init__()
        self.n = 0
        self.t0 = None

    async def recv(self):
        if self.t0 is None:
            self.t0 = time.monotonic()
        delay = self.t0 + self.n / 15 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        img = np.zeros((self.H, self.W, 3), np.uint8)
        img[:, :self.W // 2] = (230, 20, 20)
        img[:, self.W // 2:] = (20, 20, 230)
        y = (self.n * 4) % (self.H - 8)
        img[y:y + 8, :] = 255
        f = VideoFrame.from_ndarray(img, format="rgb24")
        f.pts = self.n * 6000
        f.time_base = fractions.Fraction(1, 90000)
        self.n += 1
        return f


def dominant_hz(samples):
    x = np.asarray(samples, dtype=np.float64)
    x = x - x.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec)) * RATE / len(x)


class Sink:
    """Consumes one received track: audio samples (first channel) or the
    last decoded video frame (light: counts packets only, decodes nothing,
    for benches)"""
    light = False

    def __init__(self, track, mid):
        self.track, self.mid = track, mid
        self.kind = track.kind
        self.samples = []
        self.frames = 0
        self.bytes = 0
        self.pkts = 0
        self.last_seq = None
        self.seen = set()       # (ssrc, seq/ts) of every RTP packet
        self.dups = 0
        self.last = None
        self.ended = False
        self.task = asyncio.ensure_future(self.run())

    async def run(self):
        try:
            while True:
                f = await self.track.recv()
                if self.light:
                    self.frames += 1
                elif self.kind == "audio":
                    a = f.to_ndarray()
                    ch = len(f.layout.channels)
                    self.samples.extend(a.reshape(-1)[0::ch].tolist())
                    if len(self.samples) > RATE * 6:
                        del self.samples[:len(self.samples) - RATE * 6]
                else:
                    self.frames += 1
                    self.last = f
        except Exception:
            self.ended = True

    def clear(self):
        self.samples = []


# ---------------------------------------------------------------- peers

def sdp_sections(sdp):
    """[(m-line, [attribute lines])] of an SDP"""
    out = []
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if line.startswith("m="):
            out.append((line, []))
        elif out and line:
            out[-1][1].append(line)
    return out


def section_of(sdp, mid):
    for mline, attrs in sdp_sections(sdp):
        if "a=mid:%s" % mid in attrs:
            return mline, attrs
    return None, None


def direction(attrs):
    for d in ("sendrecv", "sendonly", "recvonly", "inactive"):
        if "a=" + d in attrs:
            return d
    return "sendrecv"


class Peer:
    """One simulated user: a session of the plugin plus an aiortc peer"""

    def __init__(self, sig, call_id, name, dc_signaling=False):
        self.sig, self.call_id, self.name = sig, call_id, name
        self.dc_signaling = dc_signaling
        self.sdp_paths = []         # (direction, type, "ws" or "dc")
        self.sid = new_id()
        self.uid = "user-" + name
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.inbox = asyncio.Queue()
        self.closed = asyncio.Event()
        self.answers = asyncio.Queue()
        self.locks = asyncio.Queue()
        self.media_map = {}
        self.server_offers = []
        self.sinks = {}             # mid -> Sink
        self.errors = []
        self.dc = None
        self.dc_open = False
        self.pongs = 0
        self.pings = 0
        self.plis = 0
        self.pending_cands = []
        self.cand_filter = None     # f(candidate string) -> str or None
        self.answer_filter = None   # f(sdp) -> sdp
        self.t_join = self.t_connected = self.t_dc = None
        self.task = None
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_state)

    def _on_state(self):
        if self.pc.connectionState == "connected" and not self.t_connected:
            self.t_connected = time.monotonic()

    def _on_track(self, track):
        # the transceiver of this track gives the mid the MediaMap names
        for t in self.pc.getTransceivers():
            if t.receiver.track is track:
                sink = Sink(track, t.mid)
                self.sinks[t.mid] = sink
                self._count_bytes(t.receiver, sink)

    @staticmethod
    def _count_bytes(receiver, sink):
        # aiortc 1.4's inbound-rtp stats have no bytesReceived
        orig = receiver._handle_rtp_packet

        async def counting(packet, *a, **kw):
            sink.pkts += 1
            sink.bytes += 12 + len(packet.payload)
            if sink.light:
                return      # benches: count only, no jitter buffer/decoder
            # a forwarded duplicate repeats a sequence number, or its
            # timestamp if the SFU renumbers
            # (audio only: video packets of one frame share a timestamp)
            keys = [(packet.ssrc, "seq", packet.sequence_number)]
            if sink.kind == "audio":
                keys.append((packet.ssrc, "ts", packet.timestamp))
            if any(k in sink.seen for k in keys):
                sink.dups += 1
            sink.seen.update(keys)
            sink.last_seq = packet.sequence_number
            return await orig(packet, *a, **kw)
        receiver._handle_rtp_packet = counting

    # --- signaling

    async def rtc(self, mtype, data=None):
        m = {"session_id": self.sid, "type": mtype}
        if data is not None:
            m["data"] = data.encode() if isinstance(data, str) else data
        await self.sig.send("rtc", m)

    async def send_sdp(self, typ, sdp, via="ws"):
        body = json.dumps({"type": typ, "sdp": sdp})
        self.sdp_paths.append(("out", typ, via))
        if via == "dc":
            # rtcd's DC SDP message: bin of zlib(JSON description)
            self.dc.send(msgpack.packb(DC_SDP) + msgpack.packb(
                zlib.compress(body.encode()), use_bin_type=True))
        else:
            await self.rtc(RTC_SDP, body)

    async def join(self, offer_filter=None):
        """join + the first offer (data channel only)"""
        self.sig.peers[self.sid] = self
        self.task = asyncio.ensure_future(self._signal_loop())
        await self.sig.send("join", {
            "callID": self.call_id, "userID": self.uid,
            "sessionID": self.sid, "channelID": "chan-" + self.call_id,
            "av1Support": False, "dcSignaling": self.dc_signaling})
        self.t_join = time.monotonic()
        self.dc = self.pc.createDataChannel("calls-dc")
        self.dc.on("open", self._on_dc_open)
        self.dc.on("message", self._on_dc)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        sdp = self.pc.localDescription.sdp
        if offer_filter:
            sdp = offer_filter(sdp)
        await self.send_sdp("offer", sdp)
        await self._wait_answer()

    async def _wait_answer(self):
        try:
            await asyncio.wait_for(self.answers.get(), WAIT)
        except asyncio.TimeoutError:
            raise Fail("%s: no SDP answer within %.0f s" % (self.name, WAIT))

    def _on_dc_open(self):
        self.dc_open = True
        self.t_dc = time.monotonic()

    async def _signal_loop(self):
        while True:
            mtype, data = await self.inbox.get()
            try:
                if mtype in (RTC_SDP, SDP_VIA_DC):
                    await self._on_sdp(json.loads(data), "dc" if
                                       mtype == SDP_VIA_DC else "ws")
                elif mtype == RTC_ICE:
                    await self._on_candidate(json.loads(data))
            except Exception as e:  # recorded, checked by the scenarios
                self.errors.append("%s: %r" % (self.name, e))
                note("%s: signaling error %r" % (self.name, e))

    async def _on_sdp(self, desc, via="ws"):
        sdp = desc["sdp"]
        self.sdp_paths.append(("in", desc["type"], via))
        if self.answer_filter:
            sdp = self.answer_filter(sdp)
        if desc["type"] == "answer":
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp, "answer"))
            await self._flush_cands()
            self.answers.put_nowait(sdp)
            return
        # a server offer (renegotiation): answer it
        self.server_offers.append(sdp)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp,
                                                                 "offer"))
        await self._flush_cands()
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.send_sdp("answer", self.pc.localDescription.sdp, via)

    async def _on_candidate(self, msg):
        c = msg.get("candidate", msg)
        if isinstance(c, dict):
            c = c.get("candidate", "")
        if not c:
            return
        if c.startswith("candidate:"):
            c = c[len("candidate:"):]
        if self.cand_filter:
            c = self.cand_filter(c)
            if not c:
                return
        elif " tcp " in c.lower():
            return              # aioice gathers and pairs UDP only
        self.pending_cands.append(c)
        await self._flush_cands()

    async def _flush_cands(self):
        if self.pc.remoteDescription is None:
            return
        mid = self.pc.sctp.mid if self.pc.sctp else "0"
        while self.pending_cands:
            cand = candidate_from_sdp(self.pending_cands.pop(0))
            cand.sdpMid = mid
            cand.sdpMLineIndex = 0
            await self.pc.addIceCandidate(cand)

    # --- rtcd DC protocol

    def _on_dc(self, msg):
        if isinstance(msg, str):
            if msg == "pong":
                self.pongs += 1
            return
        u = msgpack.Unpacker(raw=False)
        u.feed(msg)
        vals = list(u)
        t = vals[0] if vals else None
        payload = vals[1] if len(vals) > 1 else None
        if t == DC_PING:
            self.pings += 1
            self.dc.send(b"\xcc\x02")
        elif t == DC_PONG:
            self.pongs += 1
        elif t == DC_LOCK:
            self.locks.put_nowait(payload)
        elif t == DC_MEDIAMAP:
            self.media_map.update(payload or {})
        elif t == DC_SDP:
            try:
                raw = zlib.decompress(payload)
            except (zlib.error, TypeError) as e:
                self.errors.append("%s: DC SDP: %r" % (self.name, e))
                return
            self.inbox.put_nowait((SDP_VIA_DC, raw))

    async def lock(self):
        """DC Lock until granted (rtcd may hold it for its own offer)"""
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            while not self.locks.empty():
                self.locks.get_nowait()
            self.dc.send(b"\xcc\x07")       # Go's encoding: uint8 7
            try:
                ok = await asyncio.wait_for(self.locks.get(), 6)
            except asyncio.TimeoutError:
                raise Fail("%s: no Lock reply on calls-dc" % self.name)
            if ok is True:
                return
            await asyncio.sleep(0.2)
        raise Fail("%s: Lock never granted" % self.name)

    def unlock(self):
        self.dc.send(b"\x08")               # browser encoding: fixint 8

    async def renegotiate(self):
        """Client offer under the DC lock, answer, Unlock"""
        await self.lock()
        try:
            await self.pc.setLocalDescription(await self.pc.createOffer())
            await self.send_sdp("offer", self.pc.localDescription.sdp,
                                "dc" if self.dc_signaling else "ws")
            await self._wait_answer()
        finally:
            self.unlock()

    async def publish(self, track, screen=False):
        sender = self.pc.addTrack(track)
        if screen:
            sender._stream_id = "screen-" + secrets.token_hex(8)
            await self.rtc(RTC_SCREEN_ON, json.dumps(
                {"screenStreamID": sender._stream_id}))
        self._hook_pli(sender)
        await self.renegotiate()
        return sender

    def _hook_pli(self, sender):
        orig = sender._handle_rtcp_packet
        peer = self

        async def counting(packet):
            if type(packet).__name__ == "RtcpPsfbPacket" and \
               packet.fmt == 1:
                peer.plis += 1
            return await orig(packet)
        sender._handle_rtcp_packet = counting

    async def leave(self):
        await self.sig.send("leave", {"sessionID": self.sid})

    async def close(self):
        if self.task:
            self.task.cancel()
        for s in self.sinks.values():
            s.task.cancel()
        await self.pc.close()

    # --- observations

    async def connected(self, timeout=WAIT):
        await until(lambda: self.pc.connectionState == "connected"
                    and self.dc_open, "%s ICE/DTLS connected and calls-dc "
                    "open (state %s)" % (self.name, self.pc.connectionState),
                    timeout)

    def sink_from(self, other, kind):
        """The sink receiving other's track of MediaMap type kind"""
        for mid, s in self.sinks.items():
            m = self.media_map.get(mid) or self.media_map.get(str(mid))
            if m and m.get("sender_id") == other.sid and \
               m.get("type") == kind:
                return s
        return None

    async def inbound(self, sink):
        """packetsReceived, bytesReceived of the receiver of sink"""
        for t in self.pc.getTransceivers():
            if t.mid == sink.mid:
                st = await t.receiver.getStats()
                for s in st.values():
                    if s.type == "inbound-rtp":
                        return s.packetsReceived, sink.bytes, s.ssrc
        return 0, 0, None

    async def outbound(self):
        sent = [0, 0]
        for t in self.pc.getTransceivers():
            if t.sender.track is None:
                continue
            st = await t.sender.getStats()
            for s in st.values():
                if s.type == "outbound-rtp":
                    sent[0] += s.packetsSent
                    sent[1] += s.bytesSent
        return tuple(sent)

    def ice_pair(self):
        """aioice's nominated pair (protocol, remote address)"""
        conn = self.pc.sctp.transport.transport._connection
        pair = conn._nominated.get(1)
        return pair


# ---------------------------------------------------------------- scenarios

class Ctx:
    def __init__(self, args):
        self.args = args
        self.api = Api(args.api)
        self.call = "call-" + secrets.token_hex(4)
        self.sig = None
        self.peers = []

    async def __aenter__(self):
        self.sig = Signal(self.api)
        await self.sig.open()
        return self

    async def __aexit__(self, *exc):
        # leave like the plugin does, so calls-sfu ends the sessions now
        # rather than at consent expiry
        live = [p for p in self.peers if p.sid not in self.sig.closes]
        try:
            for p in live:
                await p.leave()
            await until(lambda: all(p.sid in self.sig.closes
                                    for p in live), "close", 3)
        except Exception:
            pass
        for p in self.peers:
            try:
                await asyncio.wait_for(p.close(), 5)
            except Exception:
                pass
        await self.sig.close()

    async def peer(self, name, connect=True, **kw):
        p = Peer(self.sig, self.call, name)
        self.peers.append(p)
        await p.join(**kw)
        if connect:
            await p.connected()
        return p


async def wait_sink(rx, tx, kind, timeout=WAIT):
    await until(lambda: rx.sink_from(tx, kind) is not None,
                "%s receives %s's %s track (MediaMap %r)" %
                (rx.name, tx.name, kind, rx.media_map), timeout)
    return rx.sink_from(tx, kind)


async def tone_check(rx, sink, what, seconds=2.0, want=440.0):
    sink.clear()
    await until(lambda: len(sink.samples) >= RATE * seconds,
                "%.0f s of decoded audio at %s" % (seconds, rx.name),
                WAIT + seconds)
    hz = dominant_hz(sink.samples[-int(RATE * seconds):])
    check(abs(hz - want) <= 10, "%s: dominant frequency %.1f Hz is %.0f "
          "+- 10" % (what, hz, want))
    return hz


async def growth(rx, sink, seconds):
    a = (await rx.inbound(sink))[0]
    await asyncio.sleep(seconds)
    b = (await rx.inbound(sink))[0]
    return b - a


async def sc_connect(ctx):
    base = ctx.api.metric("rtcd_rtc_conn_states_total", type="connected")
    a = await ctx.peer("A")
    b = await ctx.peer("B")
    for p in (a, b):
        check(p.pc.iceConnectionState in ("completed", "connected"),
              "%s ICE %s" % (p.name, p.pc.iceConnectionState))
        check(p.pc.sctp.transport.state == "connected",
              "%s DTLS connected" % p.name)
        check(p.dc.readyState == "open", "%s calls-dc open" % p.name)
    n = ctx.api.metric("rtcd_rtc_conn_states_total", type="connected")
    check(n - base >= 2, "rtcd_rtc_conn_states_total{type=\"connected\"} "
          "grew by %d (>= 2)" % (n - base))
    ss = ctx.api.sessions(ctx.sig.auth, ctx.call)
    check(len(ss) == 2, "the call lists 2 sessions")
    # rtcd's legacy text ping and a DC Ping in the browser's encoding
    a.dc.send("ping")
    a.dc.send(b"\x01")
    await until(lambda: a.pongs >= 2, "A gets text pong and DC Pong")
    check(True, "calls-dc answers text ping and DC Ping")


async def two_with_tone(ctx, gate_ms=0):
    a = await ctx.peer("A")
    b = await ctx.peer("B")
    tone = Tone(gate_ms=gate_ms)
    sender = await a.publish(tone)
    return a, b, tone, sender


async def sc_tone(ctx):
    """A sends 440 Hz, B 660 Hz, C listens: each hears the right one"""
    a, b, tone, _ = await two_with_tone(ctx)
    s = await wait_sink(b, a, "voice")
    check(True, "B's MediaMap says voice from A's session")
    await tone_check(b, s, "B decodes A's tone")
    c = await ctx.peer("C")
    await b.publish(Tone(660.0))
    ca, cb = await wait_sink(c, a, "voice"), await wait_sink(c, b, "voice")
    ab = await wait_sink(a, b, "voice")
    check(ca is not cb, "C receives A's and B's voice on two tracks")
    await asyncio.gather(
        tone_check(c, ca, "C decodes A's tone", want=440.0),
        tone_check(c, cb, "C decodes B's tone", want=660.0),
        tone_check(a, ab, "A decodes B's tone", want=660.0))
    check(a.sink_from(a, "voice") is None and
          b.sink_from(b, "voice") is None, "nobody receives their own voice")
    check(not any(p.errors for p in (a, b, c)), "no signaling errors")


async def sc_mute(ctx):
    a, b, tone, _ = await two_with_tone(ctx)
    s = await wait_sink(b, a, "voice")
    check(await growth(b, s, 1.0) > 20, "B receives A's packets")
    await a.rtc(RTC_MUTE)
    await asyncio.sleep(0.5)         # packets in flight
    g = await growth(b, s, 1.5)
    check(g == 0, "muted: B's inbound count stopped (+%d in 1.5 s)" % g)
    await a.rtc(RTC_UNMUTE)
    g = await growth(b, s, 1.5)
    check(g > 20, "unmuted: B receives again (+%d in 1.5 s)" % g)
    await tone_check(b, s, "after unmute, B decodes the tone")


async def sc_leave(ctx):
    a, b, tone, _ = await two_with_tone(ctx)
    s = await wait_sink(b, a, "voice")
    mid = s.mid
    check(len(ctx.api.sessions(ctx.sig.auth, ctx.call)) == 2, "2 sessions")
    n_offers = len(b.server_offers)
    await a.leave()
    await until(lambda: a.sid in ctx.sig.closes, "close for A")
    check(True, "close received for A's session")
    await a.close()
    await until(lambda: len(b.server_offers) > n_offers,
                "a server offer to B after A left")
    mline, attrs = section_of(b.server_offers[-1], mid)
    removed = mline is None or mline.split()[1] == "0" or \
        direction(attrs) in ("recvonly", "inactive")
    check(removed, "the offer removes A's track (mid %s: %s %s)" %
          (mid, mline, direction(attrs or [])))
    ss = ctx.api.sessions(ctx.sig.auth, ctx.call)
    check([x["SessionID"] for x in ss] == [b.sid],
          "the call lists only B's session")
    await asyncio.sleep(0.5)
    check(await growth(b, s, 1.0) == 0, "B receives nothing more from A")


async def sc_screen(ctx):
    a = await ctx.peer("A")
    b = await ctx.peer("B")
    await a.publish(Pattern(), screen=True)
    s = await wait_sink(b, a, "screen")
    check(True, "B's MediaMap says screen from A's session")
    await until(lambda: s.bytes > 0, "A's VP8 packets at B")
    # aiortc's receiver asks for no keyframe when it joins a running
    # stream (browsers do): B's decoder requests one with PLI over SRTCP,
    # once a second (the SFU forwards at most 1/s to the sharer)
    _, _, ssrc = await b.inbound(s)
    rx = [t.receiver for t in b.pc.getTransceivers() if t.mid == s.mid][0]
    base = a.plis
    end = time.monotonic() + WAIT
    while (s.frames < 10 or a.plis == base) and time.monotonic() < end:
        await rx._send_rtcp_pli(ssrc)
        await asyncio.sleep(1.1)
    check(a.plis > base, "PLI from B reached A's sender (%d)" %
          (a.plis - base))
    await until(lambda: s.frames >= 10, "10 decoded VP8 frames at B")
    check(True, "B decoded %d VP8 frames" % s.frames)
    f = s.last
    check((f.width, f.height) == (Pattern.W, Pattern.H),
          "decoded frame size %dx%d" % (f.width, f.height))
    img = f.to_ndarray(format="rgb24").astype(int)
    left = img[:, :Pattern.W // 2 - 16].reshape(-1, 3)
    right = img[:, Pattern.W // 2 + 16:].reshape(-1, 3)
    lm = np.median(left, axis=0)
    rm = np.median(right, axis=0)
    check(lm[0] > 150 and lm[2] < 100, "left half is red %s" % lm)
    check(rm[2] > 150 and rm[0] < 100, "right half is blue %s" % rm)
    # one video packet lost on B's socket (before SRTP, whose replay
    # window would refuse a copy of a packet B already has); B's generic
    # NACK for it is answered from calls-sfu's retransmission buffer (no
    # RTX negotiated: same SSRC and sequence number)
    proto = b.ice_pair().protocol
    orig = proto.datagram_received
    lost = {}

    def lossy(data, addr):
        if not lost and len(data) > 12 and 128 <= data[0] < 192 and \
           not 192 <= data[1] <= 223 and \
           struct.unpack("!I", data[8:12])[0] == ssrc:
            lost["seq"] = struct.unpack("!H", data[2:4])[0]
            return
        return orig(data, addr)
    proto.datagram_received = lossy
    await until(lambda: lost, "a video packet to drop at B")
    proto.datagram_received = orig
    key = (ssrc, "seq", lost["seq"])
    # aiortc's NACK generator usually asks at once when it sees the gap;
    # B asks too, in case it did not
    for _ in range(3):
        if key in s.seen:
            break
        await rx._send_rtcp_nack(ssrc, [lost["seq"]])
        await asyncio.sleep(0.3)
    await until(lambda: key in s.seen, "the retransmission of packet %d "
                "answering B's NACK" % lost["seq"], 5)
    check(True, "B's NACK answered from the SFU's retransmission buffer")
    await a.rtc(RTC_SCREEN_OFF)
    n = len(b.server_offers)
    await until(lambda: len(b.server_offers) > n,
                "a server offer to B after ScreenOff")
    mline, attrs = section_of(b.server_offers[-1], s.mid)
    check(mline is None or mline.split()[1] == "0" or
          direction(attrs) in ("recvonly", "inactive"),
          "ScreenOff removes the screen track from B")


async def sc_vad(ctx):
    a, b, tone, _ = await two_with_tone(ctx, gate_ms=200)
    await until(lambda: any(s == a.sid and t == RTC_VOICE_ON
                            for s, t, _ in ctx.sig.vad),
                "vad VoiceOn for A")
    m = [d for s, t, d in ctx.sig.vad if s == a.sid][0]
    check(m.get("call_id") == ctx.call and m.get("user_id") == a.uid,
          "vad VoiceOn for A carries call_id and user_id")
    tone.silent = True
    await until(lambda: any(s == a.sid and t == RTC_VOICE_OFF
                            for s, t, _ in ctx.sig.vad),
                "vad VoiceOff for A after silence")
    check(True, "vad VoiceOff for A after silence")

    def count(typ):
        return sum(1 for s, t, _ in ctx.sig.vad if s == a.sid and t == typ)
    on, off = count(RTC_VOICE_ON), count(RTC_VOICE_OFF)
    tone.silent = False
    await until(lambda: count(RTC_VOICE_ON) > on, "VoiceOn again")
    check(True, "vad VoiceOn again when A speaks again")
    await a.rtc(RTC_MUTE)
    await until(lambda: count(RTC_VOICE_OFF) > off, "VoiceOff on Mute", 5)
    check(True, "Mute gives vad VoiceOff (rtcd resets the monitor)")
    check(not any(s == b.sid for s, _, _ in ctx.sig.vad),
          "no vad for B (it sends nothing)")


async def sc_dcsignal(ctx):
    """A joins with dcSignaling: after calls-dc opens, server offers and
    the answers to A's offers travel over calls-dc (zlib JSON), as rtcd
    does; B signals over the WebSocket"""
    a = Peer(ctx.sig, ctx.call, "A", dc_signaling=True)
    ctx.peers.append(a)
    await a.join()
    await a.connected()
    b = await ctx.peer("B")
    await b.publish(Tone(440.0))
    await until(lambda: a.sink_from(b, "voice") is not None,
                "A receives B's voice")
    offers = [v for d, t, v in a.sdp_paths if d == "in" and t == "offer"]
    if offers and all(v == "ws" for v in offers):
        raise Absent("calls-sfu sent its offers to a dcSignaling session "
                     "over the WebSocket: SDP over calls-dc not "
                     "implemented")
    check(offers and all(v == "dc" for v in offers),
          "server offers to A came over calls-dc (%s)" % offers)
    await until(lambda: ("out", "answer", "dc") in a.sdp_paths,
                "A's answer over calls-dc")
    check(("out", "answer", "ws") not in a.sdp_paths[1:],
          "A answered over calls-dc only (%s)" % a.sdp_paths)
    await tone_check(a, a.sink_from(b, "voice"), "A decodes B's tone")
    n = len(a.sdp_paths)
    await a.publish(Tone(660.0))
    new = a.sdp_paths[n:]
    check(("out", "offer", "dc") in new and ("in", "answer", "dc") in new,
          "A's offer over calls-dc answered over calls-dc (%s)" % new)
    await tone_check(b, await wait_sink(b, a, "voice"), "B decodes A's "
                     "tone", want=660.0)
    check(not a.errors and not b.errors, "no signaling errors")


class TcpBridge(asyncio.DatagramProtocol):
    """aioice has no ICE-TCP: the peer talks UDP to this bridge, which
    carries each datagram in RFC 4571 framing over one TCP connection to
    the SFU's passive ICE-TCP candidate"""

    def __init__(self):
        self.target = None
        self.writer = None
        self.client = None
        self.up = self.down = 0
        self.queue = []

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.client = addr
        if self.writer is None:
            self.queue.append(data)
            if self.target and len(self.queue) == 1:
                asyncio.ensure_future(self.dial())
            return
        self.up += 1
        self.writer.write(struct.pack("!H", len(data)) + data)

    async def dial(self):
        r, w = await asyncio.open_connection(*self.target)
        self.writer = w
        for d in self.queue:
            self.up += 1
            w.write(struct.pack("!H", len(d)) + d)
        self.queue = []
        try:
            while True:
                n = struct.unpack("!H", await r.readexactly(2))[0]
                d = await r.readexactly(n)
                self.down += 1
                self.transport.sendto(d, self.client)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass


async def sc_icetcp(ctx):
    loop = asyncio.get_event_loop()
    tr, br = await loop.create_datagram_endpoint(
        TcpBridge, local_addr=("127.0.0.1", 0))
    bport = tr.get_extra_info("sockname")[1]
    seen = {"udp": 0, "tcp": 0}

    def cand(c):
        f = c.split()
        if len(f) < 8:
            return None
        if f[2].lower() == "udp":
            seen["udp"] += 1
            return None             # UDP unusable for this client
        seen["tcp"] += 1
        if "passive" not in c:
            return None
        br.target = (f[4], int(f[5]))
        return "%s %s udp %s 127.0.0.1 %d typ host" % (f[0], f[1], f[3],
                                                        bport)

    def answer(sdp):
        out = []
        for line in sdp.split("\r\n"):
            if line.startswith("a=candidate:"):
                c = cand(line[len("a=candidate:"):])
                if c:
                    out.append("a=candidate:" + c)
                continue
            out.append(line)
        return "\r\n".join(out)

    a = Peer(ctx.sig, ctx.call, "A")
    a.cand_filter = cand
    a.answer_filter = answer
    ctx.peers.append(a)
    b = await ctx.peer("B")
    await a.join()
    await a.connected()
    check(seen["tcp"] > 0, "the SFU offered %d ICE-TCP candidate(s), %d "
          "UDP ones were withheld from A" % (seen["tcp"], seen["udp"]))
    check(br.up > 0 and br.down > 0, "A connected over ICE-TCP only "
          "(%d frames up, %d down through RFC 4571)" % (br.up, br.down))
    await a.publish(Tone())
    s = await wait_sink(b, a, "voice")
    await tone_check(b, s, "A's tone over ICE-TCP reaches B")
    tr.close()


async def sc_fingerprint(ctx):
    def bad(sdp):
        def flip(m):
            h = m.group(2)
            return m.group(1) + ("00" if h[:2] != "00" else "11") + h[2:]
        return re.sub(r"(a=fingerprint:sha-256 )(\S+)", flip, sdp)
    b = await ctx.peer("B")
    a = await ctx.peer("A", connect=False, offer_filter=bad)
    await until(lambda: a.sid in ctx.sig.closes,
                "close for A (wrong DTLS fingerprint)", 40)
    check(True, "the SFU closed A's session (close received)")
    check(not a.dc_open, "A's data channel never opened")
    ids = [x["SessionID"] for x in ctx.api.sessions(ctx.sig.auth, ctx.call)]
    check(ids == [b.sid], "only B is left in the call")
    check(b.sid not in ctx.sig.closes, "B's session is unharmed")


def garbage_sets(rtc, captured):
    r = random.Random(7)
    stun_trunc = struct.pack("!HHI", 0x0001, 40, 0x2112A442) + b"\x01" * 6
    dtls_trunc = b"\x16\xfe\xfd" + b"\x00" * 5
    rtp_trunc = b"\x80\x6f\x00"
    rtp_fake = b"\x80\x6f" + bytes(r.getrandbits(8) for _ in range(170))
    return [
        ("random", [bytes(r.getrandbits(8) for _ in range(r.randint(1, 300)))
                    for _ in range(20)]),
        ("truncated STUN", [stun_trunc]),
        ("truncated DTLS", [dtls_trunc]),
        ("truncated RTP", [rtp_trunc]),
        ("forged RTP", [rtp_fake]),
    ]


async def tcp_garbage(ctx, errs):
    """Garbage on the ICE-TCP port: RFC 4571 frames of random bytes, a
    frame cut short; the port keeps accepting connections"""
    host, port = ctx.args.rtc_tcp.rsplit(":", 1)
    r = random.Random(11)
    e0 = errs()
    _, w = await asyncio.open_connection(host, int(port))
    try:
        for _ in range(5):
            junk = bytes(r.getrandbits(8)
                         for _ in range(r.randint(1, 200)))
            w.write(struct.pack("!H", len(junk)) + junk)
        w.write(struct.pack("!H", 1000) + b"\x80" * 10)   # cut short
        await w.drain()
    except ConnectionError:
        note("calls-sfu closed the garbage connection (fine)")
    await until(lambda: errs() > e0, "TCP garbage to be counted", 5)
    check(True, "RFC 4571 frames of garbage on ICE-TCP counted (+%d)" %
          (errs() - e0))
    w.close()
    _, w2 = await asyncio.open_connection(host, int(port))
    check(True, "the ICE-TCP port still accepts connections")
    w2.close()


async def sc_garbage(ctx):
    host, port = ctx.args.rtc.rsplit(":", 1)
    dst = (host, int(port))
    a, b, tone, _ = await two_with_tone(ctx)
    s = await wait_sink(b, a, "voice")
    await tone_check(b, s, "before garbage, B decodes the tone")
    # capture one of A's SRTP packets as it leaves
    pair = a.ice_pair()
    cap = {}
    orig = pair.protocol.send_data

    def spy(data, addr):
        if len(data) > 40 and 128 <= data[0] < 192 and \
           not 192 <= data[1] <= 223:      # SRTP, not SRTCP
            cap["pkt"] = bytes(data)
        return orig(data, addr)
    pair.protocol.send_data = spy
    await until(lambda: "pkt" in cap, "a captured SRTP packet of A")
    pair.protocol.send_data = orig

    def errs():
        return ctx.api.metric("rtcd_rtc_errors_total")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    for what, pkts in garbage_sets(ctx.args.rtc, cap):
        e0 = errs()
        for p in pkts:
            sock.sendto(p, dst)
        await until(lambda: errs() > e0, "rtcd_rtc_errors_total to count "
                    "%s" % what, 5)
        check(True, "%s counted in rtcd_rtc_errors_total (+%d)" %
              (what, errs() - e0))
    # the same SRTP packet again, from A's own address: a replay, which
    # SRTP replay protection must drop (B sees no sequence number twice)
    e0 = errs()
    for _ in range(3):
        pair.protocol.transport.sendto(cap["pkt"], pair.remote_addr)
    await asyncio.sleep(1)
    check(s.dups == 0, "the replayed SRTP packet was not forwarded to B "
          "(%d duplicate sequence numbers or timestamps)" % s.dups)
    await until(lambda: errs() > e0, "the replayed SRTP packet to be "
                "counted in rtcd_rtc_errors_total", 5)
    check(True, "replayed SRTP from A's address counted (+%d)" %
          (errs() - e0))
    sock.close()
    if ctx.args.rtc_tcp:
        await tcp_garbage(ctx, errs)
    check(a.pc.connectionState == "connected" and
          b.pc.connectionState == "connected", "both peers still connected")
    await tone_check(b, s, "after garbage, B still decodes A's tone")


async def sc_demo(ctx):
    """Two peers, both publishing tones (440 Hz and 660 Hz... B's is
    440 too, so each side checks 440); prints what flowed as JSON"""
    t0 = time.monotonic()
    a = await ctx.peer("A")
    b = await ctx.peer("B")
    await a.publish(Tone(440))
    await b.publish(Tone(440))
    sa = await wait_sink(a, b, "voice")
    sb = await wait_sink(b, a, "voice")
    await asyncio.sleep(ctx.args.seconds)
    out = {}
    for p, s in ((a, sa), (b, sb)):
        rx = await p.inbound(s)
        tx = await p.outbound()
        hz = dominant_hz(s.samples[-RATE * 2:]) if \
            len(s.samples) >= RATE // 2 else None
        out[p.name] = {
            "session": p.sid, "packets_sent": tx[0], "bytes_sent": tx[1],
            "packets_received": rx[0], "bytes_received": rx[1],
            "tone_hz": hz,
            "join_to_connected_ms": round((p.t_connected - p.t_join) * 1000,
                                          1) if p.t_connected else None,
            "join_to_dc_open_ms": round((p.t_dc - p.t_join) * 1000, 1)
            if p.t_dc else None}
    out["wall_s"] = round(time.monotonic() - t0, 1)
    mc = ctx.api
    out["mid_call"] = {
        "sessions": mc.metric("rtcd_rtc_sessions_total"),
        "tracks_in": mc.metric("rtcd_rtc_rtp_tracks_total", direction="in"),
        "tracks_out": mc.metric("rtcd_rtc_rtp_tracks_total",
                                direction="out"),
        "connected": mc.metric("rtcd_rtc_conn_states_total",
                               type="connected"),
        "errors": mc.metric("rtcd_rtc_errors_total")}
    print(json.dumps(out))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])       # utime + stime


async def sc_bench(ctx):
    """N idle peers, then M unmuted senders for T s: RSS per session and
    CPU per forwarded packet of calls-sfu (--pid)"""
    pid, n, m, secs = ctx.args.pid, ctx.args.peers, ctx.args.senders, \
        ctx.args.seconds
    if not pid:
        raise Fail("bench needs --pid")
    Sink.light = True
    await asyncio.sleep(1)
    r0 = rss_kb(pid)
    peers = []
    t0 = time.monotonic()
    # join in batches so 2 cores keep up with aiortc's handshakes
    for i in range(0, n, 10):
        batch = [Peer(ctx.sig, ctx.call, "P%d" % j)
                 for j in range(i, min(n, i + 10))]
        ctx.peers.extend(batch)
        peers.extend(batch)
        await asyncio.gather(*(p.join() for p in batch))
        await asyncio.gather(*(p.connected(60) for p in batch))
    t_join = time.monotonic() - t0
    await asyncio.sleep(3)
    r1 = rss_kb(pid)
    conn = [p.t_connected - p.t_join for p in peers if p.t_connected]
    print("idle: %d sessions connected (calls-dc open) in %.1f s, join -> "
          "connected median %.0f ms" % (n, t_join,
                                        1000 * sorted(conn)[len(conn) // 2]))
    print("memory: calls-sfu RSS %d KiB before, %d KiB with %d idle "
          "connected sessions: %.1f KiB per session" %
          (r0, r1, n, (r1 - r0) / n), flush=True)
    for p in peers[:m]:
        await p.publish(Tone())
    want = m * (n - 1)
    await until(lambda: sum(len(p.sinks) for p in peers) >= want,
                "%d forwarded tracks" % want, 120, 0.5)
    await asyncio.sleep(3)
    hz = os.sysconf("SC_CLK_TCK")

    async def received():
        per = {}
        for p in peers:
            for sk in list(p.sinks.values()):
                per[(p.name, sk.mid)] = sk.pkts
        return per

    async def sent():
        return sum([(await p.outbound())[0] for p in peers[:m]])
    per0, tx0 = await received(), await sent()
    c0, t0 = cpu_ticks(pid), time.monotonic()
    await asyncio.sleep(secs)
    c1, t1 = cpu_ticks(pid), time.monotonic()
    per1, tx1 = await received(), await sent()
    rx0, rx1 = sum(per0.values()), sum(per1.values())
    d = sorted(per1[k] - per0.get(k, 0) for k in per1)
    print("senders sent %d packets; per received track: min %d, median "
          "%d, max %d" % (tx1 - tx0, d[0], d[len(d) // 2], d[-1]))
    cpu_s = (c1 - c0) / hz
    fwd = rx1 - rx0
    dt = t1 - t0
    ratio = 100.0 * fwd / max(1, (tx1 - tx0) * (n - 1))
    print("forwarding: %d unmuted senders x %d receivers for %.1f s: the "
          "peers received %d packets (%.0f pps) of the %d that the "
          "senders' packets x %d receivers make (%.1f%%%s)" %
          (m, n - 1, dt, fwd, fwd / dt, (tx1 - tx0) * (n - 1), n - 1,
           ratio, "" if ratio > 95 else "; the peers' Python process "
           "is saturated: the CPU figure below is too high"))
    print("cpu: calls-sfu used %.2f s of CPU (%.1f%% of one core): %.1f us "
          "per forwarded packet (received by peers)" %
          (cpu_s, 100 * cpu_s / dt, 1e6 * cpu_s / fwd if fwd else 0))
    print("memory: calls-sfu RSS now %d KiB" % rss_kb(pid), flush=True)


async def sc_probe(ctx):
    """Exit 3 when calls-sfu does not answer an offer (no media plane)"""
    p = Peer(ctx.sig, ctx.call, "probe")
    ctx.peers.append(p)
    try:
        global WAIT
        WAIT, saved = 5.0, WAIT
        await p.join()
    except Fail:
        raise Absent("calls-sfu sent no SDP answer within 5 s")
    finally:
        WAIT = saved
    check(True, "calls-sfu answers SDP offers")


SCENARIOS = {
    "probe": sc_probe,
    "connect": sc_connect, "tone": sc_tone, "mute": sc_mute,
    "leave": sc_leave, "screen": sc_screen, "vad": sc_vad,
    "icetcp": sc_icetcp, "dcsignal": sc_dcsignal,
    "fingerprint": sc_fingerprint,
    "garbage": sc_garbage, "demo": sc_demo, "bench": sc_bench,
}


async def main_async(args):
    async with Ctx(args) as ctx:
        await SCENARIOS[args.scenario](ctx)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--api", required=True)
    ap.add_argument("--rtc", default="")
    ap.add_argument("--rtc-tcp", default="")
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--peers", type=int, default=50)
    ap.add_argument("--senders", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--timeout", type=float, default=150)
    args = ap.parse_args()
    try:
        asyncio.run(asyncio.wait_for(main_async(args), args.timeout))
    except Fail as e:
        print("FAIL:", e, flush=True)
        sys.exit(1)
    except Absent as e:
        print("ABSENT:", e, flush=True)
        sys.exit(3)
    except asyncio.TimeoutError:
        print("FAIL: scenario exceeded %.0f s" % args.timeout, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
