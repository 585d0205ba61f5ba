// Interop check of lib/sdp with headless Chromium (see run.sh)
const { chromium } = require(process.env.PLAYWRIGHT || 'playwright-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const drv = (mode, sdp) => execFileSync(process.env.SDPDRV, [mode], { input: sdp }).toString();
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [
    '--allow-loopback-in-peer-connection', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  const page = await browser.newPage();
  await page.goto('about:blank');
  const offers = await page.evaluate(async () => {
    const pc0 = new RTCPeerConnection({ iceServers: [] });
    pc0.createDataChannel('calls-dc');
    const o0 = await pc0.createOffer();
    window.pc = new RTCPeerConnection({ iceServers: [] });
    pc.createDataChannel('calls-dc');
    const ac = new AudioContext(); const osc = ac.createOscillator(); const dst = ac.createMediaStreamDestination(); osc.connect(dst); osc.start(); const s = dst.stream;
    pc.addTrack(s.getAudioTracks()[0], s);
    const o = await pc.createOffer();
    await pc.setLocalDescription(o);
    return [o0.sdp, o.sdp];
  });
  fs.writeFileSync((process.env.OUT || '.') + '/chromium-dc-only.sdp', offers[0]);
  fs.writeFileSync((process.env.OUT || '.') + '/chromium-audio.sdp', offers[1]);
  const ans = drv('answer', offers[1]);
  let r = await page.evaluate(async (a) => {
    try { await pc.setRemoteDescription({ type: 'answer', sdp: a }); return 'ok'; } catch (e) { return 'ERR ' + e; }
  }, ans);
  console.log('chrome setRemoteDescription(our answer):', r);
  const soffer = drv('offer', offers[1]);
  r = await page.evaluate(async (o) => {
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: o });
      const a = await pc.createAnswer(); await pc.setLocalDescription(a);
      return a.sdp;
    } catch (e) { return 'ERR ' + e; }
  }, soffer);
  if (r.startsWith('ERR')) console.log('chrome server offer:', r);
  else { fs.writeFileSync((process.env.OUT || '.') + '/chromium-answer.sdp', r); console.log('chrome accepted server offer; answer lines:', r.split('\r\n').filter(l => l.startsWith('m=') || /^a=(mid|sendonly|recvonly|sendrecv|inactive|group)/.test(l)).join(' | ')); }
  const tr = await page.evaluate(() => pc.getTransceivers().map(t => [t.mid, t.receiver.track.kind, t.currentDirection].join(':')));
  console.log('transceivers:', tr.join(' '));
  for (const mode of ['r', 'rs']) {
    const cur = await page.evaluate(() => pc.localDescription.sdp);
    const o2 = execFileSync(process.env.SDPDRV, ['offer', mode], { input: cur }).toString();
    const res = await page.evaluate(async (o) => {
      const ev = [];
      pc.getTransceivers().forEach(t => { t.receiver.track.onmute = () => ev.push('mute:' + t.mid); });
      try {
        await pc.setRemoteDescription({ type: 'offer', sdp: o });
        const a = await pc.createAnswer(); await pc.setLocalDescription(a);
        return pc.getTransceivers().map(t => [t.mid, t.currentDirection, t.stopped ? 'stopped' : ''].join(':')).join(' ') + ' ev=' + ev.join(',');
      } catch (e) { return 'ERR ' + e; }
    }, o2);
    console.log('remove mode ' + mode + ':', res);
    if (mode === 'r') fs.writeFileSync((process.env.OUT || '.') + '/chromium-server-offer-removed.sdp', o2);
  }
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
