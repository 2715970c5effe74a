// i18n.js - the language of the interface, its messages, and how dates,
// numbers and money are written and read in it.
//
// Azerbaijani (and Russian): 28.11.2026, 1 234, 5 050,00 AZN.  English:
// 28 Nov 2026, 1,234, 5,050.00 AZN.  Formatting is done here by hand, not with Intl, so
// that it is the same on every browser whatever locale data it ships.
// Money is handled as text ("5050.00", as the API sends it), never as a
// floating-point number.  The language is remembered per user in
// localStorage ("haven.lang.USERNAME"), and the last one used before
// signing in as "haven.lang".

import * as az from './lang-az.js';
import * as en from './lang-en.js';
import * as ru from './lang-ru.js';

export const LANGS = { az, en, ru };
const NBSP = '\u00a0';
const listeners = [];
let current = 'az';

export function lang() {
	return current;
}

// Whether the language writes 28.11.2026 and 5 050,00 (all but English).
const continental = () => current !== 'en';

// The language of the server's own texts (the report, its indicators):
// Azerbaijani or English; Russian readers get the official Azerbaijani.
export function reportLang() {
	return current === 'en' ? 'en' : 'az';
}

function stored(key) {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

function store(key, value) {
	try {
		localStorage.setItem(key, value);
	} catch {
		/* storage refused (private mode): the choice lasts for this page */
	}
}

// The language to start with: the user's own, else the last one used here.
export function initialLang(username) {
	const l = (username && stored(`haven.lang.${username}`)) || stored('haven.lang');
	return LANGS[l] ? l : 'az';
}

// Switches the language (and remembers it for `username` when given).
export function setLang(l, username) {
	if (!LANGS[l]) return;
	current = l;
	document.documentElement.lang = l;
	store('haven.lang', l);
	if (username) store(`haven.lang.${username}`, l);
	for (const fn of listeners) fn(l);
}

export function onLangChange(fn) {
	listeners.push(fn);
}

// The message `key` with {name} replaced from params.
export function t(key, params = {}) {
	const text = LANGS[current].messages[key] ?? en.messages[key] ?? key;
	return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// The server's vocabularies (GET /api/v1/codes), set once signed in:
// {codes: {list: [{code, en, az, money}]}, agencies: [{code, kind, en, az}],
//  policy: {access_reasons, agency_kinds, extensible}}.
let vocab = null;

export function setVocabularies(v) {
	vocab = v && v.codes ? v : null;
}

function served(list) {
	if (!vocab) return null;
	return list === 'agency' ? vocab.agencies : vocab.codes[list] || null;
}

// The label of a code of a list (status, service, agency, ...): the
// interface's own short label where it has one (agencies' official names
// are long), else the server's label in this language (a deployment's own
// code), else in English, else the code itself.
export function label(list, code) {
	if (code === null || code === undefined) return '';
	const own = LANGS[current].codes[list]?.[code] ?? (current in { en: 1, az: 1 } ? undefined : en.codes[list]?.[code]);
	if (own !== undefined) return own;
	const s = served(list)?.find((x) => x.code === code);
	return (s && (s[current] || s.en)) || en.codes[list]?.[code] || code;
}

// The codes of a list as the server has them (so a form offers exactly the
// codes the server accepts), or the interface's own list before they came.
export function codesOf(list) {
	const s = served(list);
	return s ? s.map((x) => x.code) : Object.keys(en.codes[list] || {});
}

// A list the server's policy fixes (GET /api/v1/codes "policy":
// access_reasons, agency_kinds, extensible), or, before it came, the codes
// the interface labels under `labels`.
export function policyList(name, labels) {
	return vocab?.policy?.[name] || Object.keys(en.codes[labels] || {});
}

// Whether a service is paid in money (its record needs an amount).
export function isMoney(service) {
	const s = served('service')?.find((x) => x.code === service);
	return s ? Boolean(s.money) : ['one_time_allowance', 'financial_assistance'].includes(service);
}

// ---- numbers and money ----------------------------------------------------

function group(digits) {
	const sep = continental() ? NBSP : ',';
	return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

// 1234 -> "1 234" (az) or "1,234" (en).
export function formatNumber(n) {
	if (typeof n !== 'number' || !Number.isFinite(n)) return String(n ?? '');
	const sign = n < 0 ? '-' : '';
	return sign + group(String(Math.trunc(Math.abs(n))));
}

// "5050.00", "AZN" -> "5 050,00 AZN" (az) or "5,050.00 AZN" (en).
export function formatMoney(text, currency = 'AZN') {
	const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text ?? ''));
	if (!m) return String(text ?? '');
	const cents = (m[3] || '').padEnd(2, '0');
	const point = continental() ? ',' : '.';
	return `${m[1]}${group(m[2])}${point}${cents}${NBSP}${currency || 'AZN'}`;
}

// Reads an amount as typed in the current language into the API's form
// ("5050.00"); null when it is not one.
export function parseMoney(typed) {
	let s = String(typed).trim().replace(/[\s\u00a0]/g, '');
	if (continental()) {
		if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
		else if (/^\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, '');
	} else {
		s = s.replace(/,/g, '');
	}
	const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
	if (!m) return null;
	return `${m[1].replace(/^0+(?=\d)/, '')}.${(m[2] || '').padEnd(2, '0')}`;
}

// An example amount in the current language.
export function moneyExample() {
	return continental() ? '700,00' : '700.00';
}

// ---- dates ------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

function exists(y, m, d) {
	const dt = new Date(Date.UTC(y, m - 1, d));
	return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

// Today in the browser's time zone, as "YYYY-MM-DD".
export function todayIso() {
	const d = new Date();
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// "YYYY-MM-DD" (or "YYYY-MM", "YYYY" for birth dates) as the language
// writes it: 28.11.2026 / 28 Nov 2026.
export function formatDate(iso) {
	if (!iso) return '';
	const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
	if (!m) return iso;
	const [, y, mo, d] = m;
	if (continental()) return [d, mo, y].filter(Boolean).join('.');
	const month = mo ? LANGS.en.codes.month[Number(mo) - 1] : '';
	return [d ? String(Number(d)) : '', month, y].filter(Boolean).join(' ');
}

// A Unix time (seconds) as date and time of day.
export function formatTimestamp(seconds) {
	const d = new Date(seconds * 1000);
	const iso = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	return continental() ? `${formatDate(iso)} ${time}` : `${formatDate(iso)}, ${time}`;
}

// How a date is typed in a form field of the current language.
export function dateInputValue(iso) {
	if (!iso) return '';
	const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
	if (!m) return iso;
	const sep = continental() ? '.' : '/';
	return [m[3], m[2], m[1]].filter(Boolean).join(sep);
}

export function dateExample() {
	return dateInputValue('2026-11-28');
}

// Reads a typed date (the language's day-month-year, or ISO) into
// "YYYY-MM-DD"; with `partial`, also month-year and year alone (birth
// dates).  null when it is not a date that exists.
export function parseDate(typed, partial = false) {
	const s = String(typed).trim();
	let m;
	if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
		const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
		return exists(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : null;
	}
	if ((m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s))) {
		const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
		return exists(y, mo, d) ? `${m[3]}-${pad(mo)}-${pad(d)}` : null;
	}
	if (!partial) return null;
	if ((m = /^(\d{1,2})[./-](\d{4})$/.exec(s)) && Number(m[1]) >= 1 && Number(m[1]) <= 12)
		return `${m[2]}-${pad(Number(m[1]))}`;
	if ((m = /^(\d{4})-(\d{2})$/.exec(s)) && Number(m[2]) >= 1 && Number(m[2]) <= 12)
		return `${m[1]}-${m[2]}`;
	if ((m = /^(\d{4})$/.exec(s))) return m[1];
	return null;
}
