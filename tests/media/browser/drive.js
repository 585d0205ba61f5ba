// Opens the test page in Debian's headless Chromium (/usr/bin/chromium;
// playwright-core never downloads a browser here) with fake media devices
// and loopback-only WebRTC, and keeps it open until the page reports
// "done" or an error through relay.py, or the time limit passes.
//   node drive.js URL PROFILE_DIR SECONDS
'use strict';
const { chromium } = require('playwright-core');

async function main() {
	const [url, profile, secs] = process.argv.slice(2);
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: [
			'--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync',
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			'--allow-loopback-in-peer-connection',
			'--autoplay-policy=no-user-gesture-required',
		],
	});
	const page = await ctx.newPage();
	page.on('console', (m) => console.log('page: ' + m.text()));
	page.on('pageerror', (e) => console.log('page error: ' + e));
	await page.goto(url);
	const deadline = Date.now() + 1000 * Number(secs || 60);
	// the page sets its title to "done" when relay.py says so
	while (Date.now() < deadline) {
		const done = await page.evaluate(
			() => document.title === 'done');
		if (done) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	await ctx.close();
}
main().catch((e) => { console.log('drive.js: ' + e); process.exit(1); });
