// lib.mjs - what the browser tests share: starting Debian's chromium through
// playwright-core, one-time codes (RFC 6238) for the test accounts, signing
// in through the real form (and accepting the data-protection terms on the
// real page at an account's first sign-in), the accessibility check
// (axe-core) and screenshots.

import { createHmac } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const BASE = process.env.HAVEN_URL;
export const SHOTS = process.env.HAVEN_SHOTS || '/tmp/haven-browser';
export const accounts = JSON.parse(readFileSync(process.env.HAVEN_ACCOUNTS, 'utf8'));
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(SHOTS, { recursive: true });

// Chromium without network beyond this machine and with a fresh profile
// (playwright gives every launch a new empty --user-data-dir).
export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// A new browser context (its own cookies and storage: one user's browser).
export async function newPage(browser, viewport = { width: 1366, height: 768 }) {
	const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: process.env.TZ || 'UTC' });
	const page = await context.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(String(e)));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of (401|403|404|400|409)/.test(m.text())) page.errors.push(m.text());
	});
	return page;
}

// ---- one-time codes ----------------------------------------------------------

function base32(text) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
	const bytes = [];
	for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
	return Buffer.from(bytes);
}

export function totp(secret, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', base32(secret)).update(msg).digest();
	const off = mac[mac.length - 1] & 0xf;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The server takes a code of the current 30-second step or one either side,
// and never a step it has taken before for the same account: each sign-in
// uses the earliest step still allowed, waiting when none is.  In the last
// five seconds of a step the step before is not used: it would no longer be
// allowed by the time the form reached the server (a sign-in refused now
// and then).
const lastStep = new Map();
export async function nextCode(username) {
	const secret = accounts[username].secret;
	if (!secret) return '';
	for (;;) {
		const steps = Date.now() / 1000 / 30;
		const now = Math.floor(steps);
		const earliest = steps - now > 25 / 30 ? now : now - 1;
		const step = Math.max(earliest, (lastStep.get(username) ?? -Infinity) + 1);
		if (step <= now + 1) {
			lastStep.set(username, step);
			return totp(secret, step);
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
}

// Signs in through the form in whatever language the page shows.  Every
// account meets the data-protection terms (HUM-15) at its first sign-in,
// and the server refuses every record until they are accepted: signIn
// accepts them on that page as a user would (acceptTerms), unless called
// with { terms: false }, which leaves the terms page open for the story.
// Resolves to whether the terms page was shown.
export async function signIn(page, username, { goto = true, terms = true } = {}) {
	if (goto) await page.goto(BASE + '/');
	const form = page.locator('form.signin');
	await form.waitFor();
	await form.locator('input[name="username"]').fill(username);
	await form.locator('input[name="password"]').fill(accounts[username].password);
	await form.locator('input[name="otp"]').fill(await nextCode(username));
	await form.locator('button[type="submit"]').click();
	// signed in: the header names the user, and the first page's heading
	// (the terms, or the page asked for) follows
	await page.locator('header .who').waitFor();
	await page.locator('main h1').first().waitFor();
	const asked = (await page.locator('main .terms-page').count()) > 0;
	if (asked && terms) await acceptTerms(page);
	return asked;
}

// Ticks "I have read and accept these terms" and Accept on the terms page;
// waits for the page that follows.
export async function acceptTerms(page) {
	const form = page.locator('form.terms');
	await form.locator('input[type="checkbox"][name="accept"]').check();
	await form.locator('button[type="submit"]').click();
	await page.locator('header nav').waitFor();
	await page.locator('main h1').first().waitFor();
}

export async function signOut(page) {
	await page.locator('button.signout').click();
	await page.locator('form.signin').waitFor();
}

export async function setLang(page, l) {
	await page.locator(`.lang button[lang="${l}"]`).click();
	await page.waitForFunction((x) => document.documentElement.lang === x, l);
}

// ---- accessibility and screenshots ---------------------------------------------

// ---- step-up ----------------------------------------------------------------

// The server asks for a sign-in of the last five minutes before a sensitive
// action; that cannot age in a test, so the next `method` request (any, when
// null) to `pattern` is answered once as the server would answer a stale one
// (401 reauth-required), and the real request follows the step-up.
export async function staleOnce(page, pattern, method = null) {
	let stale = true;
	await page.route(pattern, async (route) => {
		if (!stale || (method && route.request().method() !== method)) return route.continue();
		stale = false;
		return route.fulfill({ status: 401, contentType: 'application/problem+json',
			body: JSON.stringify({ type: 'https://haven.invalid/problems/reauth-required', title: 'Authenticate again', status: 401 }) });
	});
}

// Gives `username`'s password and next one-time code in the open step-up
// dialog, and waits for it to close.
export async function confirmStepUp(page, username) {
	const dialog = page.locator('dialog.reauth.stepup');
	await dialog.waitFor();
	await dialog.locator('input[name="password"]').fill(accounts[username].password);
	await dialog.locator('input[name="otp"]').fill(await nextCode(username));
	await dialog.locator('button[type="submit"]').click();
	await dialog.waitFor({ state: 'detached' });
}

// Runs axe-core on the page as it is; returns the serious and critical
// violations (the test fails on any), after printing the others.
export async function axe(page, name) {
	await page.evaluate(axeSource);
	const result = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
	}));
	const bad = [];
	for (const v of result.violations) {
		const line = `${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`;
		if (v.impact === 'serious' || v.impact === 'critical') bad.push(line);
		else console.log(`# axe note: ${line}`);
	}
	return bad;
}

const shot = new Set();
export async function screenshot(page, name) {
	let file = name;
	for (let i = 2; shot.has(file); i++) file = `${name}-${i}`;
	shot.add(file);
	// what a 1366x768 (or tablet) screen shows first, and the whole page
	await page.screenshot({ path: `${SHOTS}/${file}.png` });
	await page.screenshot({ path: `${SHOTS}/${file}-full.png`, fullPage: true });
}

// Screenshot and accessibility check of the page in its present state.
export async function look(page, name) {
	await page.waitForTimeout(50);
	await screenshot(page, name);
	return axe(page, name);
}

// The local date as the interface types it.
export function isoDaysAgo(n) {
	const d = new Date(Date.now() - n * 86400000);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
export function az(iso) {
	const [y, m, d] = iso.split('-');
	return `${d}.${m}.${y}`;
}
export function en(iso) {
	const [y, m, d] = iso.split('-');
	return `${Number(d)} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1]} ${y}`;
}
export const norm = (s) => s.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
