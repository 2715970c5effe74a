// app.js - the interface's shell: who is signed in, the header (menu,
// language, sign-out), the hash router that shows one page module at a time,
// and the sign-in dialog that appears when a session ends mid-work.
//
// Pages are modules under the same folder (page-*.js), each exporting
// render(main, ctx).  The menu offers what a role is for; what a user may
// see and do is decided by the API alone, and each page shows what the API
// returned.  Addresses are hashes (#/persons/p-...), so the server has one
// page to serve and no record id ever reaches it in a path it would log.
// Until the user has accepted the current data-protection terms (HUM-15)
// the server refuses every record, so the terms page is the only page then.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, errorText } from './form.js';
import * as signin from './page-signin.js';
import * as home from './page-home.js';
import * as register from './page-register.js';
import * as person from './page-person.js';
import * as dashboard from './page-dashboard.js';
import * as users from './page-users.js';
import * as audit from './page-audit.js';
import * as report from './page-report.js';
import * as reset from './page-reset.js';
import * as terms from './page-terms.js';

const { t } = i18n;

// terms: the session's {version, accepted} (and changed: the text changed
// since the user accepted or was shown it).
const state = { user: null, terms: null };
const root = {
	header: document.getElementById('top'),
	main: document.getElementById('main'),
	live: document.getElementById('live'),
};

// ---- pages and the menu ---------------------------------------------------------

const homeOf = {
	officer: '#/', caseworker: '#/', coordinator: '#/dashboard', analyst: '#/dashboard',
	admin: '#/users', auditor: '#/audit',
};

const menu = [
	{ href: '#/', key: 'nav.home', roles: ['officer', 'caseworker'] },
	{ href: '#/persons/new', key: 'nav.register', roles: ['officer', 'caseworker'] },
	{ href: '#/dashboard', key: 'nav.dashboard', roles: ['coordinator', 'analyst'] },
	{ href: '#/report', key: 'nav.report', roles: ['coordinator'] },
	{ href: '#/users', key: 'nav.users', roles: ['admin'] },
	{ href: '#/audit', key: 'nav.audit', roles: ['auditor'] },
];

// The page for a hash: [module, params].
function route(hash) {
	const [path, q] = (hash.replace(/^#/, '') || '/').split('?');
	const params = Object.fromEntries(new URLSearchParams(q || ''));
	if (path === '/' || path === '') {
		const start = homeOf[state.user.role];
		return start && start !== '#/' ? route(start) : [home, params];
	}
	if (path === '/persons/new') return [register, params];
	let m;
	if ((m = /^\/persons\/([A-Za-z0-9._:-]{1,64})$/.exec(path))) return [person, { ...params, id: m[1] }];
	if (path === '/dashboard') return [dashboard, params];
	if (path === '/report') return [report, params];
	if (path === '/users') return [users, params];
	if (path === '/audit') return [audit, params];
	return [null, params];
}

// Whether the terms are still to be accepted.  A server that sends no
// terms asks for none; its 403 terms-required would still bring the page.
const termsPending = () => Boolean(state.user && state.terms && state.terms.accepted === false);

// Says something to screen readers (and shows it briefly).
export function announce(text, kind = 'ok') {
	root.live.className = `toast ${kind}`;
	root.live.textContent = text;
	clearTimeout(announce.timer);
	announce.timer = setTimeout(() => {
		root.live.textContent = '';
		root.live.className = 'toast';
	}, 6000);
}

function ctx(params) {
	return {
		user: state.user,
		params,
		announce,
		go: (hash) => {
			if (location.hash === hash) show();
			else location.hash = hash;
		},
		title: (text) => {
			document.title = `${text} — ${t('app.name')}`;
		},
		terms: {
			changed: Boolean(state.terms && state.terms.changed),
			onChanged: () => {
				state.terms = { ...state.terms, accepted: false, changed: true };
				show();
			},
			onAccepted: termsAccepted,
			signOut,
		},
	};
}

// Accepted: the vocabularies (not needed by the terms page) are loaded, and the page
// the user was going to (the home page after signing in) is drawn.
async function termsAccepted(version) {
	state.terms = { version, accepted: true };
	announce(t('terms.accepted'));
	await loadVocabularies();
	show();
}

let showing = 0;
let firstPage = true; // on the first page after loading, focus stays at the top (skip link first)
async function show() {
	if (!state.user) return;
	const serial = ++showing;
	renderHeader();
	// the address is kept, so that accepting leads where the user was going
	const [page, params] = termsPending() ? [terms, {}] : route(location.hash);
	const main = root.main;
	fill(main, h('p', { class: 'loading', text: t('app.loading') }));
	if (!page) {
		document.title = `${t('notfound.title')} — ${t('app.name')}`;
		fill(main, h('h1', { tabindex: '-1', text: t('notfound.title') }),
			h('p', {}, h('a', { href: '#/', text: t('notfound.back') })));
		main.querySelector('h1').focus();
		return;
	}
	try {
		await page.render(main, ctx(params), () => serial === showing);
	} catch (e) {
		if (serial !== showing) return;
		fill(main, h('h1', { tabindex: '-1', text: t('common.error') }),
			h('p', { class: 'notice error', text: errorText(e) }));
	}
	if (serial !== showing) return;
	const h1 = main.querySelector('h1');
	const wasFirst = firstPage;
	firstPage = false;
	if (h1 && !wasFirst && !main.contains(document.activeElement)) {
		h1.setAttribute('tabindex', '-1');
		h1.focus();
	}
}

// ---- the header -----------------------------------------------------------------

function langSwitch() {
	return h('div', { class: 'lang', role: 'group', 'aria-label': t('lang.label') },
		Object.keys(i18n.LANGS).map((l) => h('button', {
			type: 'button', lang: l, 'aria-pressed': String(l === i18n.lang()),
			onclick: () => switchLang(l),
		}, i18n.label('lang', l))));
}

function renderHeader() {
	const brand = h('div', { class: 'brand' },
		h('a', { href: '#/', class: 'name', text: t('app.name') }),
		h('span', { class: 'tagline', text: t('app.tagline') }));
	if (!state.user) {
		fill(root.header, h('div', { class: 'bar' }, brand, langSwitch()));
		return;
	}
	const u = state.user;
	const current = location.hash || '#/';
	// no menu before the terms are accepted: none of its pages would open
	const items = termsPending() ? [] : menu.filter((m) => m.roles.includes(u.role)).map((m) => h('li', {},
		h('a', { href: m.href, 'aria-current': current === m.href ? 'page' : null, text: t(m.key),
			onclick: (e) => {
				// the same address again: draw the page afresh (a new form)
				if ((location.hash || '#/') === m.href) {
					e.preventDefault();
					show();
				}
			} })));
	fill(root.header, accountNotice(),
		h('div', { class: 'bar' }, brand,
			h('div', { class: 'who' },
				h('span', { class: 'user', text: t('app.user', { user: u.username, role: i18n.label('role', u.role), agency: i18n.label('agency', u.agency) }) }),
				langSwitch(),
				h('button', { type: 'button', class: 'signout', onclick: signOut, text: t('nav.signout') }))),
		items.length ? h('nav', { 'aria-label': t('app.nav') }, h('ul', {}, items)) : null);
}

// What happened to the user's own account since the sign-in before this one
// that they should know of (GET /api/v1/session/activity marks it): failed
// attempts with their name, and changes someone else made.  Haven sends no
// mail, so this is how a user learns that their password was reset.
const refused = (e) => e.outcome !== 'ok';

function accountNotice() {
	const list = state.notices || [];
	if (!list.length) return null;
	const failed = list.filter(refused).length;
	const changes = list.filter((e) => !refused(e));
	return h('section', { class: 'notice warn account', role: 'status', 'aria-labelledby': 'account-notice' },
		h('h2', { id: 'account-notice', text: t('account.title') }),
		h('ul', {},
			failed ? h('li', { text: t('account.failed', { n: i18n.formatNumber(failed) }) }) : null,
			changes.map((e) => h('li', { text: t('account.change', {
				what: i18n.label('accountAction', e.action), who: e.actor, when: i18n.formatTimestamp(e.at) }) }))),
		h('p', { text: t('account.advice') }),
		h('button', { type: 'button', class: 'secondary', text: t('account.dismiss'),
			onclick: () => { state.notices = []; renderHeader(); } }));
}

async function loadNotices() {
	try {
		const r = await api.get('/api/v1/session/activity?limit=50');
		state.notices = r.entries.filter((e) => e.notice);
	} catch {
		state.notices = []; /* the page matters more than the notice */
	}
}

// ---- language -------------------------------------------------------------------

// What the user typed on the page, to put back after it is drawn again in
// another language (dates and amounts rewritten for it).
function snapshot() {
	const out = [];
	for (const el of root.main.querySelectorAll('input, select, textarea')) {
		const box = el.closest('[data-field]');
		const key = box ? box.dataset.field : el.name;
		if (!key) continue;
		if (el.type === 'checkbox' || el.type === 'radio') {
			out.push({ key, value: el.value, checked: el.checked, choice: true });
			continue;
		}
		let value = el.value;
		if (el.classList.contains('money')) value = { money: i18n.parseMoney(value), raw: value };
		else if (el.classList.contains('date') || el.classList.contains('birth'))
			value = { date: i18n.parseDate(value, true), raw: value };
		out.push({ key, value });
	}
	return out;
}

// A form that shows or hides fields by a choice (the refer form's reason
// when there is no consent, a service's amount) hears a change event for
// every value put back.
function restore(saved) {
	const changed = new Set();
	for (const s of saved) {
		const box = root.main.querySelector(`[data-field="${CSS.escape(s.key)}"]`);
		if (!box) continue;
		if (s.choice) {
			const input = [...box.querySelectorAll('input')].find((i) => i.value === s.value);
			if (input && input.checked !== s.checked) {
				input.checked = s.checked;
				changed.add(input);
			}
			continue;
		}
		const el = box.matches('input, select, textarea') ? box : box.querySelector('input, select, textarea');
		if (!el) continue;
		let v = s.value;
		if (v && typeof v === 'object') {
			if (v.money) v = i18n.lang() !== 'en' ? v.money.replace('.', ',') : v.money;
			else if (v.date) v = i18n.dateInputValue(v.date);
			else v = v.raw;
		}
		if (v && el.value !== v) {
			el.value = v;
			changed.add(el);
		}
	}
	for (const el of changed) el.dispatchEvent(new Event('change', { bubbles: true }));
}

async function switchLang(l) {
	const saved = snapshot();
	// a message shown in the old language goes with it
	clearTimeout(announce.timer);
	root.live.textContent = '';
	root.live.className = 'toast';
	i18n.setLang(l, state.user && state.user.username);
	if (!state.user) {
		showSignedOut();
		restore(saved);
		return;
	}
	await show();
	restore(saved);
	const pressed = root.header.querySelector(`.lang button[lang="${l}"]`);
	if (pressed) pressed.focus();
}

// ---- signing in and out -----------------------------------------------------------

// The code lists and agencies the forms offer, as the server has them.
async function loadVocabularies() {
	try {
		i18n.setVocabularies(await api.get('/api/v1/codes'));
	} catch {
		/* the interface's own lists serve until the next page load */
	}
}

async function onSignedIn(result) {
	api.setCsrf(result.csrf_token);
	state.user = result.user;
	state.terms = result.terms || null;
	i18n.setLang(i18n.initialLang(state.user.username), state.user.username);
	firstPage = false;
	// the code lists wait for the terms: no page before them needs one
	await Promise.all([termsPending() ? null : loadVocabularies(), loadNotices()]);
	show();
}

// The page for a visitor who is not signed in: the sign-in form, or the
// form that sets a new password with a reset code.
function showSignedOut(opts = {}) {
	renderHeader();
	if ((location.hash || '').startsWith('#/reset'))
		reset.render(root.main, { done: () => { history.replaceState(null, '', '#/'); showSignedOut({ message: t('reset.done') }); } });
	else
		signin.render(root.main, { onSignedIn, ...opts });
}

async function signOut() {
	try {
		await api.del('/api/v1/session');
	} catch {
		/* ended already: nothing to undo */
	}
	api.setCsrf(null);
	state.user = null;
	state.terms = null;
	history.replaceState(null, '', '#/');
	showSignedOut({ message: t('signin.signedOut') });
}

// The session ended while the user works (kind 'expired'), or a sensitive
// action needs the password and code again (kind 'stepup', the session goes
// on): a modal dialog over the page, which stays as it was.  Resolves true
// once authenticated again, false when the user cancels a step-up.
let pending = null;
function reauthenticate(kind = 'expired') {
	if (pending) return pending;
	const stepUp = kind === 'stepup';
	pending = new Promise((resolve) => {
		const finish = (ok) => {
			dialog.close();
			dialog.remove();
			pending = null;
			resolve(ok);
		};
		const form = new Form({
			label: stepUp ? t('stepup.title') : t('signin.title'),
			submit: stepUp ? t('stepup.submit') : t('signin.submit'),
			extraButtons: stepUp ? h('button', { type: 'button', class: 'secondary', text: t('common.cancel'), onclick: () => finish(false) }) : null,
			onSubmit: async (v) => {
				try {
					const otp = v.otp ? { otp: v.otp } : {};
					const r = stepUp
						? await api.post('/api/v1/session/reauth', { password: v.password, ...otp }, { signin: true })
						: await api.post('/api/v1/session', { username: state.user.username, password: v.password, ...otp }, { signin: true });
					api.setCsrf(r.csrf_token);
					finish(true);
				} catch (e) {
					form.clearErrors();
					form.say(e instanceof api.ApiError && e.status === 403 && stepUp ? t('signin.failed') : signin.failureText(e), 'error');
					form.field('password').input.value = '';
					form.field('otp').input.value = '';
					form.field('password').focus();
				}
			},
		});
		form.add(
			new Field({ name: 'password', label: t('signin.password'), type: 'password', required: true, autocomplete: 'current-password' }),
			new Field({ name: 'otp', label: t('signin.otp'), type: 'otp', hint: t('signin.otpHint'), autocomplete: 'one-time-code', maxlength: 6 }));
		const dialog = h('dialog', { class: stepUp ? 'reauth stepup' : 'reauth', 'aria-labelledby': 'reauth-title' },
			h('h2', { id: 'reauth-title', text: stepUp ? t('stepup.title') : t('signin.expiredTitle') }),
			h('p', { text: stepUp ? t('stepup.intro') : t('signin.expired') }),
			h('p', { class: 'who-again', text: `${t('signin.username')}: ${state.user.username}` }),
			form.el,
			stepUp ? null : h('p', {}, h('button', { type: 'button', class: 'link', text: t('signin.other'),
				onclick: () => { api.setCsrf(null); location.hash = '#/'; location.reload(); } })));
		dialog.addEventListener('cancel', (e) => {
			e.preventDefault();
			if (stepUp) finish(false);
		});
		document.body.append(dialog);
		dialog.showModal();
		form.field('password').focus();
	});
	return pending;
}

// A 403 for a missing CSRF token (a tab opened after sign-in) is met the
// same way: signing in again gives this tab its token.
api.onExpired(() => reauthenticate('expired'));
api.onStepUp(() => reauthenticate('stepup'));

// A 403 terms-required (a tab left open while the terms changed, or a
// server that sent no terms with the session): the terms page instead of
// an error.  Several calls may be refused at once; the page is drawn once.
api.onTermsRequired(() => {
	if (!state.user || termsPending()) return;
	state.terms = { ...state.terms, accepted: false, changed: Boolean(state.terms && state.terms.accepted) };
	show();
});

async function start() {
	i18n.setLang(i18n.initialLang());
	document.getElementById('skip').addEventListener('click', (e) => {
		e.preventDefault();
		const target = root.main.querySelector('h1') || root.main;
		target.setAttribute('tabindex', '-1');
		target.focus();
	});
	i18n.onLangChange(() => {
		document.getElementById('skip').textContent = t('app.skip');
	});
	document.getElementById('skip').textContent = t('app.skip');
	try {
		const s = await api.get('/api/v1/session', { signin: true });
		state.user = s.user;
		state.terms = s.terms || null;
		if (s.csrf_token) api.setCsrf(s.csrf_token); // a reload, or a new tab
		i18n.setLang(i18n.initialLang(state.user.username), state.user.username);
	} catch (e) {
		showSignedOut({ error: e.status === 401 ? null : e });
		return;
	}
	if (!termsPending()) await loadVocabularies();
	show();
}

window.addEventListener('hashchange', () => (state.user ? show() : showSignedOut()));
start();
export { state };
