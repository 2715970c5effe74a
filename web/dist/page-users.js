// page-users.js - administration: the accounts (add one, disable or enable,
// a password reset code, a new role or agency), and the agencies and code
// lists the forms offer.
//
// Account changes go through the API (users.c, as `haven user`): each one
// ends the account's sessions and is audited; the API asks for the
// password and one-time code again when the administrator's authentication
// is over five minutes old.  A new account gets no password from the
// administrator: the page shows, once, the key for the user's authenticator
// app and a reset code with which the user sets their own password.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, options, errorText } from './form.js';
import { section, table } from './people.js';

const { t } = i18n;
const ROLES = ['officer', 'caseworker', 'coordinator', 'analyst', 'auditor', 'admin'];
const LISTS = ['status', 'sex', 'source', 'exploitation', 'service', 'phase', 'referral_status', 'consent_override_reason'];

const roleOptions = () => ROLES.map((r) => ({ value: r, label: i18n.label('role', r) }));

// The server's QR code of the set-up address (rows of 0 and 1), drawn as
// SVG for the authenticator app's camera: one path of the dark modules on a
// light square with the quiet zone the standard asks for.
function qrCode(rows) {
	const NS = 'http://www.w3.org/2000/svg';
	const quiet = 4, side = rows.length + 2 * quiet;
	const svg = document.createElementNS(NS, 'svg');
	const attrs = (el, a) => { for (const [k, v] of Object.entries(a)) el.setAttribute(k, String(v)); return el; };
	attrs(svg, { viewBox: `0 0 ${side} ${side}`, width: side * 5, height: side * 5, role: 'img',
		'aria-label': t('admin.otpQr'), class: 'qr', 'shape-rendering': 'crispEdges' });
	let d = '';
	rows.forEach((row, y) => [...row].forEach((m, x) => {
		if (m === '1') d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
	}));
	svg.append(attrs(document.createElementNS(NS, 'rect'), { width: side, height: side, fill: '#fff' }),
		attrs(document.createElementNS(NS, 'path'), { d, fill: '#000' }));
	return svg;
}

// What the server made for an account, shown once: the authenticator key
// and the reset code.  Not kept anywhere: gone when the page is left.
function secrets(username, r) {
	const secret = r.otpauth_uri ? (/[?&]secret=([A-Z2-7]+)/.exec(r.otpauth_uri) || [])[1] : null;
	return h('div', { class: 'card secrets', role: 'status', 'data-secrets': username },
		h('h2', { text: t('admin.secretsTitle', { user: username }) }),
		h('p', { text: t('admin.secretsIntro') }),
		h('dl', { class: 'facts' },
			Array.isArray(r.otpauth_qr) ? [h('dt', { text: t('admin.otpQr') }), h('dd', {}, qrCode(r.otpauth_qr))] : null,
			secret ? [h('dt', { text: t('admin.otpKey') }), h('dd', {}, h('code', { class: 'secret', text: secret.replace(/(.{4})/g, '$1 ').trim() }))] : null,
			r.otpauth_uri ? [h('dt', { text: t('admin.otpUri') }), h('dd', {}, h('code', { class: 'secret uri', text: r.otpauth_uri }))] : null,
			r.reset_code ? [h('dt', { text: t('admin.resetCode') }), h('dd', {}, h('code', { class: 'secret code', text: r.reset_code }))] : null,
			r.reset_expires_at ? [h('dt', { text: t('admin.resetUntil') }), h('dd', { text: i18n.formatTimestamp(r.reset_expires_at) })] : null),
		h('p', { class: 'hint', text: t(r.otpauth_uri ? 'admin.secretsHow' : 'admin.resetHow') }));
}

function usersTable(users, act) {
	return table(t('users.title'),
		[t('users.username'), t('users.role'), t('users.agency'), t('users.state'), t('users.otp'), t('users.created'), t('users.terms'), t('admin.actions')],
		users.map((u) => h('tr', { class: u.disabled ? 'disabled' : null, 'data-user': u.username },
			h('th', { scope: 'row', text: u.username }),
			h('td', { text: i18n.label('role', u.role) }),
			h('td', { text: i18n.label('agency', u.agency) }),
			h('td', {}, h('span', { class: `badge ${u.disabled ? 'off' : 'on'}`, text: u.disabled ? t('users.disabled') : t('users.active') })),
			h('td', { text: u.one_time_codes ? t('common.yes') : t('common.no') }),
			h('td', { text: i18n.formatTimestamp(u.created_at) }),
			// the data-protection terms (HUM-15): accepted at the first sign-in
			h('td', { 'data-terms': u.terms_accepted ? 'yes' : 'no', text: u.terms_accepted ? t('users.termsYes') : t('users.termsNo') }),
			h('td', {}, h('div', { class: 'row-actions' },
				h('button', { type: 'button', class: 'small', text: u.disabled ? t('admin.enable') : t('admin.disable'),
					'aria-label': t(u.disabled ? 'admin.enableFor' : 'admin.disableFor', { user: u.username }),
					onclick: () => act(u, 'disable') }),
				h('button', { type: 'button', class: 'small', text: t('admin.reset'),
					'aria-label': t('admin.resetFor', { user: u.username }),
					onclick: () => act(u, 'reset') }))))));
}

function addForm(ctx, show) {
	const form = new Form({
		label: t('admin.add'),
		submit: t('admin.addSubmit'),
		class: 'add-user',
		onSubmit: async (v) => {
			const r = await api.post('/api/v1/users', v);
			ctx.announce(t('admin.added', { user: r.user.username }));
			show(r.user.username, r);
		},
	});
	form.add(
		new Field({ name: 'username', label: t('users.username'), required: true, hint: t('admin.usernameHint'), maxlength: 64 }),
		new Field({ name: 'role', label: t('users.role'), type: 'select', required: true, options: roleOptions() }),
		new Field({ name: 'agency', label: t('users.agency'), type: 'select', required: true, options: options('agency') }));
	return form.el;
}

function changeForm(users, ctx, show) {
	const form = new Form({
		label: t('admin.change'),
		submit: t('admin.changeSubmit'),
		class: 'change-user',
		onSubmit: async (v) => {
			const body = {};
			if (v.role) body.role = v.role;
			if (v.agency) body.agency = v.agency;
			const r = await api.patch(`/api/v1/users/${encodeURIComponent(v.username)}`, body);
			ctx.announce(t('admin.changed', { user: v.username }));
			show(v.username, r);
		},
	});
	form.add(
		h('p', { class: 'intro', text: t('admin.changeIntro') }),
		new Field({ name: 'username', label: t('users.username'), type: 'select', required: true,
			options: users.map((u) => ({ value: u.username, label: u.username })) }),
		new Field({ name: 'role', label: t('admin.newRole'), type: 'select', options: roleOptions() }),
		new Field({ name: 'agency', label: t('admin.newAgency'), type: 'select', options: options('agency') }));
	return form.el;
}

// A new agency or code; the interface's lists are read again after it.
function vocabForm(kind, ctx, redraw) {
	const agency = kind === 'agency';
	const form = new Form({
		label: t(agency ? 'admin.addAgency' : 'admin.addCode'),
		submit: t(agency ? 'admin.addAgencySubmit' : 'admin.addCodeSubmit'),
		class: agency ? 'add-agency' : 'add-code',
		onSubmit: async (v) => {
			const body = { code: v.code, az: v.az, en: v.en };
			if (agency) body.kind = v.kind;
			else {
				body.list = v.list;
				if (v.money === 'yes') body.money = true;
			}
			await api.post(agency ? '/api/v1/agencies' : '/api/v1/codes', body);
			i18n.setVocabularies(await api.get('/api/v1/codes'));
			ctx.announce(t('admin.vocabAdded', { code: v.code }));
			redraw(null);
		},
	});
	form.add(
		agency
			? new Field({ name: 'kind', label: t('admin.kind'), type: 'select', required: true, hint: t('admin.kindHint'),
				options: i18n.policyList('agency_kinds', 'agencyKind').map((k) => ({ value: k, label: i18n.label('agencyKind', k) })) })
			: new Field({ name: 'list', label: t('admin.list'), type: 'select', required: true,
				options: i18n.policyList('extensible').map((l) => ({ value: l, label: t(`admin.list.${l}`) })) }),
		new Field({ name: 'code', label: t('admin.code'), required: true, hint: t('admin.codeHint'), maxlength: 40 }),
		new Field({ name: 'az', label: agency ? t('admin.nameAz') : t('admin.labelAz'), required: true, maxlength: 200 }),
		new Field({ name: 'en', label: agency ? t('admin.nameEn') : t('admin.labelEn'), required: true, maxlength: 200 }),
		agency ? null : new Field({ name: 'money', label: t('admin.money'), type: 'radios', value: 'no',
			options: [{ value: 'no', label: t('common.no') }, { value: 'yes', label: t('common.yes') }] }));
	return form.el;
}

// The agencies and code lists, as the server has them.
function vocabularies(v) {
	return [
		section(t('admin.agencies'),
			table(t('admin.agencies'), [t('admin.code'), t('admin.kind'), t('admin.nameAz'), t('admin.nameEn')],
				v.agencies.map((a) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: a.code })),
					h('td', { text: a.kind }), h('td', { lang: 'az', text: a.az }), h('td', { lang: 'en', text: a.en }))))),
		section(t('admin.codes'),
			h('p', { class: 'hint', text: t('admin.codesHint') }),
			LISTS.filter((list) => v.codes[list]).map((list) => h('details', { class: 'codes', 'data-list': list },
				h('summary', { text: `${t(`admin.list.${list}`)} (${v.codes[list].length})` }),
				table(t(`admin.list.${list}`), [t('admin.code'), t('admin.labelAz'), t('admin.labelEn')],
					v.codes[list].map((c) => h('tr', {}, h('th', { scope: 'row' }, h('code', { text: c.code })),
						h('td', { lang: 'az', text: c.az }), h('td', { lang: 'en', text: c.en }))))))),
	];
}

export async function render(main, ctx, current, shown = null) {
	ctx.title(t('admin.title'));
	const [r, v] = await Promise.all([api.get('/api/v1/users'), api.get('/api/v1/codes')]);
	if (!current()) return;
	const redraw = (secretsOf) => render(main, ctx, current, secretsOf).catch((e) => ctx.announce(errorText(e), 'error'));
	const show = (username, result) => redraw({ username, result });
	const act = async (u, what) => {
		try {
			if (what === 'disable') {
				await api.patch(`/api/v1/users/${encodeURIComponent(u.username)}`, { disabled: !u.disabled });
				ctx.announce(t(u.disabled ? 'admin.enabled' : 'admin.disabled', { user: u.username }));
				redraw(null);
			} else {
				const res = await api.post(`/api/v1/users/${encodeURIComponent(u.username)}/reset`);
				ctx.announce(t('admin.resetDone', { user: u.username }));
				show(u.username, res);
			}
		} catch (e) {
			ctx.announce(errorText(e), 'error');
		}
	};
	fill(main,
		h('h1', { text: t('admin.title') }),
		shown ? secrets(shown.username, shown.result) : null,
		section(t('users.title'), usersTable(r.users, act),
			h('p', { class: 'hint', text: t('admin.sessionsEnd') })),
		h('div', { class: 'dash-grid' },
			h('details', { class: 'card', 'data-form': 'add-user', open: shown ? null : true },
				h('summary', {}, h('h2', { text: t('admin.add') })), addForm(ctx, show)),
			h('details', { class: 'card', 'data-form': 'change-user' },
				h('summary', {}, h('h2', { text: t('admin.change') })), changeForm(r.users, ctx, show))),
		vocabularies(v),
		h('div', { class: 'dash-grid' },
			h('details', { class: 'card', 'data-form': 'add-agency' },
				h('summary', {}, h('h2', { text: t('admin.addAgency') })), vocabForm('agency', ctx, redraw)),
			h('details', { class: 'card', 'data-form': 'add-code' },
				h('summary', {}, h('h2', { text: t('admin.addCode') })), vocabForm('code', ctx, redraw))));
	if (shown) {
		const box = main.querySelector('.secrets h2');
		box.setAttribute('tabindex', '-1');
		box.focus();
	}
}
