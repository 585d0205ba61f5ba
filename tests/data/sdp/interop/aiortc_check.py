# Interop check of lib/sdp with python3-aiortc 1.4 (see run.sh)
import asyncio, sys, subprocess
from aiortc import RTCPeerConnection, RTCConfiguration, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
import aioice.ice
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
import os
DRV = os.environ["SDPDRV"]
async def main():
    out = os.environ.get("OUT", ".")
    pc0 = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc0.createDataChannel("calls-dc")
    pc0.addTrack(AudioStreamTrack())
    pc0.addTrack(VideoStreamTrack())
    await pc0.setLocalDescription(await pc0.createOffer())
    open(out + "/aiortc-1.4.sdp", "w", newline="").write(pc0.localDescription.sdp)
    ans0 = subprocess.run([DRV, "answer"], input=pc0.localDescription.sdp.encode(), capture_output=True, check=True).stdout.decode()
    await pc0.setRemoteDescription(RTCSessionDescription(sdp=ans0, type="answer"))
    print("aiortc accepted our answer to audio+video+DC")
    await pc0.close()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.createDataChannel("calls-dc")
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    ans = subprocess.run([DRV, "answer"], input=offer.encode(), capture_output=True, check=True).stdout.decode()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=ans, type="answer"))
    print("answer accepted; transceivers:", [(t.mid, t.kind, t.currentDirection) for t in pc.getTransceivers()])
    # server renegotiation: our offer built from the client's offer
    soffer = subprocess.run([DRV, "offer"], input=offer.encode(), capture_output=True, check=True).stdout.decode()
    await pc.setRemoteDescription(RTCSessionDescription(sdp=soffer, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    cans = pc.localDescription.sdp
    print("server offer accepted; transceivers:", [(t.mid, t.kind, t.direction, t.currentDirection) for t in pc.getTransceivers()])
    open(out + "/aiortc-1.4-answer.sdp", "w", newline="").write(cans)

    # our parser reads aiortc's answer (drv answer parses it first)
    r = subprocess.run([DRV, "answer"], input=cans.encode(), capture_output=True)
    print("our parser on aiortc's answer:", "ok" if r.returncode == 0 else r.stderr)
    await pc.close()
asyncio.run(main())
