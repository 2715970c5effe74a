// page-home.js - a caseworker's (and an MIA officer's) home: the agency's
// referral inbox (new ones, MIA hand-overs past 24 hours flagged, those sent
// without the person's consent marked so before anyone contacts her;
// accepted ones in progress), the persons the agency works with, quick
// actions.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, errorText } from './form.js';
import { personName, statusBadge, isOverdue, withoutConsent, table, section } from './people.js';

const { t } = i18n;
const PAGE = 100;

function referralRows(list, names, ctx, reload) {
	return list.map((r) => {
		const who = names.get(r.person_id) || r.person_id;
		const overdue = isOverdue(r);
		const act = async (status, done) => {
			try {
				await api.patch(`/api/v1/referrals/${encodeURIComponent(r.id)}`, { status });
				ctx.announce(t(done));
				reload();
			} catch (e) {
				ctx.announce(errorText(e), 'error');
			}
		};
		const buttons = r.status === 'sent'
			? [h('button', { type: 'button', class: 'small primary', 'aria-label': t('referral.acceptFor', { person: who }), onclick: () => act('accepted', 'referral.accepted'), text: t('referral.accept') }),
				h('button', { type: 'button', class: 'small', 'aria-label': t('referral.declineFor', { person: who }), onclick: () => act('declined', 'referral.declined'), text: t('referral.decline') })]
			: [h('button', { type: 'button', class: 'small primary', 'aria-label': t('referral.completeFor', { person: who }), onclick: () => act('completed', 'referral.completed'), text: t('referral.complete') })];
		return h('tr', { class: overdue ? 'overdue' : null, 'data-referral': r.id },
			h('td', {}, h('a', { href: `#/persons/${r.person_id}`, text: who }),
				overdue ? [' ', h('span', { class: 'badge overdue', title: t('inbox.overdueHint'), text: t('inbox.overdue') })] : null,
				r.consent_override === true ? [' ', withoutConsent(r)] : null),
			h('td', { text: i18n.label('agency', r.from) }),
			h('td', { text: i18n.label('service', r.purpose) }),
			h('td', { text: i18n.formatDate(r.date) }),
			h('td', {}, h('div', { class: 'row-actions' }, buttons)));
	});
}

function referralTable(caption, list, names, ctx, reload, empty) {
	if (!list.length) return h('p', { class: 'empty', text: empty });
	return table(caption, [t('inbox.person'), t('inbox.from'), t('inbox.purpose'), t('inbox.sent'), t('inbox.actions')],
		referralRows(list, names, ctx, reload));
}

function personRows(list) {
	return list.map((p) => h('tr', {},
		h('td', {}, h('a', { href: `#/persons/${p.id}`, text: personName(p) })),
		h('td', {}, 'status' in p ? statusBadge(p.status) : null),
		h('td', { text: i18n.formatDate(p.birth_date) }),
		h('td', { text: i18n.formatDate(p.identified_on) })));
}

// The persons panel: the first page, a name search, more pages on demand.
function personsPanel(first) {
	const body = h('div', {});
	const count = h('p', { class: 'count', role: 'status' });
	let rows = [];
	let next = null;
	let lastQuery = null;
	const heads = [t('persons.name'), t('field.status'), t('field.birth_date'), t('field.identified_on')];
	const more = h('button', { type: 'button', class: 'more', text: t('common.more'), onclick: () => load(lastQuery, next) });
	function draw() {
		fill(body, rows.length ? table(t('persons.title'), heads, personRows(rows)) : h('p', { class: 'empty', text: t('persons.empty') }));
		count.textContent = t('persons.results', { n: i18n.formatNumber(rows.length) });
		more.hidden = !next;
	}
	async function load(name, cursor) {
		const r = name
			? await api.post('/api/v1/persons/search', { name, limit: PAGE, ...(cursor ? { cursor } : {}) })
			: await api.get(`/api/v1/persons${api.query({ limit: PAGE, cursor })}`);
		rows = cursor ? rows.concat(r.persons) : r.persons;
		next = r.next;
		lastQuery = name;
		draw();
	}
	const search = new Form({
		label: t('persons.searchButton'),
		submit: t('persons.searchButton'),
		class: 'inline search',
		buttonClass: 'secondary',
		extraButtons: h('button', { type: 'button', class: 'link', text: t('persons.showAll'), onclick: () => { search.field('name').input.value = ''; load(null).catch((e) => search.showApiError(e)); } }),
		onSubmit: (v) => load(v.name || null),
	});
	search.add(new Field({ name: 'name', label: t('persons.search'), required: true, maxlength: 200 }));
	rows = first.persons;
	next = first.next;
	draw();
	return { el: h('div', {}, search.el, count, body, more), names: () => rows };
}

export async function render(main, ctx, current) {
	ctx.title(t('home.title'));
	const [fresh, progress, persons] = await Promise.all([
		api.get(`/api/v1/referrals${api.query({ to: 'mine', status: 'sent', limit: PAGE })}`),
		api.get(`/api/v1/referrals${api.query({ to: 'mine', status: 'accepted', limit: PAGE })}`),
		api.get(`/api/v1/persons${api.query({ limit: PAGE })}`),
	]);
	if (!current()) return;
	const names = new Map(persons.persons.map((p) => [p.id, personName(p)]));
	const reload = () => ctx.go('#/');
	const overdue = fresh.referrals.filter(isOverdue).length;
	const panel = personsPanel(persons);
	const open = new Form({
		label: t('quick.open'),
		submit: t('quick.openButton'),
		class: 'inline',
		buttonClass: 'secondary',
		onSubmit: (v) => ctx.go(`#/persons/${encodeURIComponent(v.id)}`),
	});
	open.add(new Field({ name: 'id', label: t('quick.open'), required: true, maxlength: 64 }));
	fill(main,
		h('div', { class: 'page-head' },
			h('h1', { text: i18n.label('agency', ctx.user.agency) })),
		h('div', { class: 'home-grid' },
			section(t('inbox.title'),
				h('h3', {}, t('inbox.new'), ' ', h('span', { class: 'count-badge', text: i18n.formatNumber(fresh.referrals.length) }),
					overdue ? [' ', h('span', { class: 'badge overdue', text: t('inbox.overdueCount', { n: i18n.formatNumber(overdue) }) })] : null),
				referralTable(t('inbox.new'), fresh.referrals, names, ctx, reload, t('inbox.emptyNew')),
				h('h3', {}, t('inbox.progress'), ' ', h('span', { class: 'count-badge', text: i18n.formatNumber(progress.referrals.length) })),
				referralTable(t('inbox.progress'), progress.referrals, names, ctx, reload, t('inbox.emptyProgress'))),
			section(t('quick.title'),
				h('p', {}, h('a', { class: 'button primary', href: '#/persons/new', text: t('quick.register') })),
				open.el)),
		section(t('persons.title'), panel.el));
}
