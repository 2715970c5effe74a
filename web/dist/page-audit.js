// page-audit.js - the auditor's page: the audit log newest first, a page at
// a time (GET /api/v1/audit), filtered for a breach inquiry (who, which
// action, which record, between which days), and the verification of its
// hash chain (GET /api/v1/audit/verify), whose verdict is shown as the
// server gave it.
// Entries name who, which agency and role, when, what, which record (by its
// pseudonymous id) and the outcome; the API sends nothing personal.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { errorText, Field, Form } from './form.js';
import { section, table } from './people.js';

const { t } = i18n;
const PAGE = 50;

function rows(entries) {
	return entries.map((e) => h('tr', { 'data-seq': String(e.seq), class: e.outcome === 'ok' ? null : 'refused' },
		h('td', { class: 'num', text: String(e.seq) }),
		h('td', { text: i18n.formatTimestamp(e.at) }),
		h('th', { scope: 'row', text: e.actor }),
		h('td', { text: e.agency ? i18n.label('agency', e.agency) : '' }),
		h('td', { text: e.role ? i18n.label('role', e.role) : '' }),
		h('td', {}, h('code', { text: e.action })),
		h('td', {}, e.object_id ? h('code', { text: e.object_type ? `${e.object_type} ${e.object_id}` : e.object_id }) : ''),
		h('td', {}, h('span', { class: `badge outcome-${e.outcome === 'ok' ? 'ok' : 'other'}`, text: t(`audit.outcome.${e.outcome}`) }))));
}

function verdict(v) {
	if (v.intact)
		return h('p', { class: 'notice ok verdict', role: 'status', text: t('audit.intact', { n: i18n.formatNumber(v.entries), head: v.head.slice(0, 16) }) });
	return h('p', { class: 'notice error verdict', role: 'alert', text: t('audit.broken', { n: i18n.formatNumber(v.entries), seq: v.first_bad, reason: v.reason || '' }) });
}

// The filter form; onFilter(filter) lists again.
function filterForm(onFilter) {
	const text = (name, label) => new Field({ name, label, type: 'text', maxlength: 64 });
	const day = (name, label) => new Field({ name, label, type: 'date', hint: t('common.dateHint', { example: i18n.dateExample() }) });
	return new Form({
		label: t('audit.filter'), submit: t('audit.filterApply'), buttonClass: 'secondary', class: 'audit-filter',
		check: (v) => (v.since && v.until && v.since > v.until ? { until: t('audit.filterOrder') } : {}),
		onSubmit: async (v) => onFilter({ actor: v.actor, action: v.action, record: v.record, since: v.since, until: v.until }),
	}).add(text('actor', t('audit.who')), text('action', t('audit.action')), text('record', t('audit.record')),
		day('since', t('audit.since')), day('until', t('audit.until')));
}

export async function render(main, ctx, current) {
	ctx.title(t('audit.title'));
	let filter = {};
	const page = (before) => api.get(`/api/v1/audit${api.query({ limit: PAGE, before, ...filter })}`);
	const first = await page();
	if (!current()) return;
	let next = first.next || 0;
	const body = h('tbody', {}, rows(first.entries));
	const tbl = table(t('audit.entries'),
		[{ text: t('audit.seq'), num: true }, t('audit.when'), t('audit.who'), t('users.agency'), t('users.role'), t('audit.action'), t('audit.record'), t('audit.outcome')], []);
	tbl.querySelector('tbody').replaceWith(body);
	const empty = h('p', { class: 'empty', text: t('common.none'), hidden: first.entries.length > 0 });
	tbl.hidden = !first.entries.length;
	const more = h('button', { type: 'button', class: 'secondary', text: t('audit.older'), hidden: !next,
		onclick: async () => {
			try {
				const r = await page(next);
				body.append(...rows(r.entries));
				next = r.next || 0;
				more.hidden = !next;
				ctx.announce(t('audit.shown', { n: i18n.formatNumber(body.children.length) }));
			} catch (e) {
				ctx.announce(errorText(e), 'error');
			}
		} });
	const form = filterForm(async (f) => {
		filter = f;
		const r = await page();
		body.replaceChildren(...rows(r.entries));
		next = r.next || 0;
		more.hidden = !next;
		tbl.hidden = !r.entries.length;
		empty.hidden = r.entries.length > 0;
		ctx.announce(t('audit.shown', { n: i18n.formatNumber(r.entries.length) }));
	});
	const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
	const verify = h('button', { type: 'button', class: 'primary', text: t('audit.verify'),
		onclick: async () => {
			verify.disabled = true;
			fill(result, h('p', { class: 'loading', text: t('audit.verifying') }));
			try {
				fill(result, verdict(await api.get('/api/v1/audit/verify')));
			} catch (e) {
				fill(result, h('p', { class: 'notice error', text: errorText(e) }));
			} finally {
				verify.disabled = false;
			}
		} });
	fill(main,
		h('h1', { text: t('audit.title') }),
		section(t('audit.chain'), h('p', { class: 'intro', text: t('audit.chainIntro') }), verify, result),
		section(t('audit.entries'), h('p', { class: 'hint', text: t('audit.entriesIntro') }),
			form.el, tbl, empty, h('p', {}, more)));
}
