// page-report.js - the coordinator's annual report page: whether the year's
// report is approved (when, with which definitions, its hash), approving and
// freezing it (POST /api/v1/reports/annual/freeze, once per year, asked to
// confirm first), the restatements the records now call for, the report's
// text and the downloads.  All from GET /api/v1/reports/annual; the API
// decides who may approve and asks for the password again when needed.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, errorText } from './form.js';
import { section } from './people.js';
import { approval, downloads } from './page-dashboard.js';

const { t } = i18n;

function facts(a) {
	return h('dl', { class: 'facts approval' },
		h('dt', { text: t('report.frozenAt') }), h('dd', { text: i18n.formatTimestamp(a.frozen_at) }),
		h('dt', { text: t('report.definitions') }), h('dd', {}, h('code', { text: a.definitions_version })),
		h('dt', { text: t('report.hash') }), h('dd', {}, h('code', { class: 'hash', text: a.hash })));
}

// The approve button, then a confirmation in the page (no pop-up).
function freezeControl(year, ctx, redraw) {
	const box = h('div', { class: 'freeze' });
	const ask = () => {
		const yes = h('button', { type: 'button', class: 'danger', text: t('report.freezeYes', { year }),
			onclick: async () => {
				yes.disabled = true;
				try {
					await api.post('/api/v1/reports/annual/freeze', { year });
					ctx.announce(t('report.frozen', { year }));
					redraw();
				} catch (e) {
					yes.disabled = false;
					ctx.announce(errorText(e), 'error');
				}
			} });
		fill(box, h('p', { class: 'notice warn', role: 'alert', text: t('report.freezeConfirm', { year }) }),
			h('div', { class: 'actions' }, yes,
				h('button', { type: 'button', class: 'secondary', text: t('common.cancel'), onclick: () => { start(); box.querySelector('button').focus(); } })));
		yes.focus();
	};
	const start = () => fill(box, h('p', { text: t('report.freezeIntro') }),
		h('button', { type: 'button', class: 'primary', text: t('report.freeze', { year }), onclick: ask }));
	start();
	return box;
}

export async function render(main, ctx, current) {
	const year = Number(ctx.params.year) || new Date().getFullYear() - 1;
	ctx.title(t('report.title', { year }));
	const r = await api.get(`/api/v1/reports/annual${api.query({ year, format: 'json', lang: i18n.reportLang() })}`);
	if (!current()) return;
	const redraw = () => render(main, ctx, current).catch((e) => ctx.announce(errorText(e), 'error'));
	const yearForm = new Form({
		label: t('dash.year'),
		submit: t('dash.show'),
		class: 'inline',
		buttonClass: 'secondary',
		onSubmit: (v) => ctx.go(`#/report?year=${v.year}`),
	});
	const thisYear = new Date().getFullYear();
	yearForm.add(new Field({ name: 'year', label: t('dash.year'), type: 'select', required: true, placeholder: false, value: String(year),
		options: Array.from({ length: 8 }, (_, k) => String(thisYear - k)).map((y) => ({ value: y, label: y })) }));
	const a = r.approved;
	fill(main,
		h('div', { class: 'page-head' }, h('h1', { text: t('report.title', { year }) }), yearForm.el),
		section(t('report.approval'),
			a ? facts(a) : null,
			approval(r),
			a && !(a.restatements && a.restatements.length) ? h('p', { class: 'hint', text: t('report.noRestatements') }) : null,
			a ? null : freezeControl(year, ctx, redraw)),
		h('div', { class: 'dash-grid' },
			section(t('dash.narrative'), h('div', { class: 'narrative', lang: r.lang || i18n.reportLang() }, (r.narrative || []).map((p) => h('p', { text: p })))),
			downloads(year)),
		h('p', {}, h('a', { href: `#/dashboard?year=${year}`, text: t('report.toDashboard') })));
}
