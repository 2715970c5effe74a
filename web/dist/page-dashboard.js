// page-dashboard.js - the National Coordinator's dashboard (also analysts'):
// the year's key indicators with their change from the year before, the
// report's narrative in the interface's language, all indicators as a table,
// the trend and the breakdowns, downloads of the report (PDF, XLSX, CSV), and
// whether the year is approved, with its restatements.  Everything comes
// from GET /api/v1/reports/annual; a figure hidden for privacy is shown as
// such.  A coordinator can also open one record with a stated reason.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form } from './form.js';
import { section, table } from './people.js';
import { lines, bars } from './chart.js';

const { t } = i18n;
// The indicators shown as cards; every other one is in the table.
const KEY = ['victims_identified', 'allowance_recipients', 'allowance_total', 'shelter_placements',
	'assistance_center_referrals', 'assistance_center_psychological', 'support_fund_recipients', 'support_fund_total'];
const TREND_SHOWN = 4;

export function fmtValue(v, unit) {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string' && !/^-?\d/.test(v)) return t('dash.hidden');
	return unit === 'persons' ? i18n.formatNumber(Number(v)) : i18n.formatMoney(v, unit);
}

// Change from the previous year in words ("10 fewer than in 2025").
function change(x, prevYear) {
	const hidden = (v) => typeof v === 'string' && !/^-?\d/.test(v);
	if (hidden(x.value) || hidden(x.previous)) return '';
	if (x.unit === 'persons') {
		const d = Number(x.value) - Number(x.previous);
		if (d === 0) return t('dash.same', { year: prevYear });
		return t(d > 0 ? 'dash.up' : 'dash.down', { n: i18n.formatNumber(Math.abs(d)), year: prevYear });
	}
	const cents = (s) => BigInt(String(s).replace('.', ''));
	const d = cents(x.value) - cents(x.previous);
	if (d === 0n) return t('dash.same', { year: prevYear });
	const abs = (d < 0n ? -d : d).toString().padStart(3, '0');
	const text = `${abs.slice(0, -2)}.${abs.slice(-2)}`;
	return t(d > 0n ? 'dash.upMoney' : 'dash.downMoney', { n: i18n.formatMoney(text, x.unit), year: prevYear });
}

// Whether a figure rose, fell or stayed ('' when hidden).
function direction(x) {
	const hidden = (v) => typeof v === 'string' && !/^-?\d/.test(v);
	if (hidden(x.value) || hidden(x.previous)) return '';
	const num = (v) => (x.unit === 'persons' ? BigInt(v) : BigInt(String(v).replace('.', '')));
	const a = num(x.value), b = num(x.previous);
	return a > b ? 'up' : a < b ? 'down' : 'same';
}

function cards(r) {
	const l = i18n.reportLang();
	return h('ul', { class: 'kpis' }, KEY.filter((id) => r.indicators[id]).map((id) => {
		const x = r.indicators[id];
		return h('li', { class: `kpi ${direction(x)}`, 'data-indicator': id },
			h('p', { class: 'kpi-label', text: x.label[l] || id }),
			h('p', { class: 'kpi-value', text: fmtValue(x.value, x.unit) }),
			h('p', { class: 'kpi-change', text: change(x, r.previous_year) }));
	}));
}

function allTable(r) {
	const l = i18n.reportLang();
	return table(t('dash.all'),
		[t('dash.indicator'), { text: String(r.year), num: true }, { text: String(r.previous_year), num: true }, t('dash.change')],
		r.indicator_order.map((id) => {
			const x = r.indicators[id];
			return h('tr', { 'data-indicator': id },
				h('th', { scope: 'row', text: x.label[l] || id }),
				h('td', { class: 'num', text: fmtValue(x.value, x.unit) }),
				h('td', { class: 'num', text: fmtValue(x.previous, x.unit) }),
				h('td', { text: change(x, r.previous_year) }));
		}));
}

function trend(r) {
	if (!r.trend || !r.trend.years) return null;
	const l = i18n.reportLang();
	const ids = Object.keys(r.trend.indicators).filter((id) => r.indicators[id] && r.indicators[id].unit === 'persons').slice(0, TREND_SHOWN);
	const years = r.trend.years;
	const title = t('dash.trend', { first: years[0], last: years[years.length - 1] });
	const num = (v) => (typeof v === 'number' ? v : null);
	return section(title,
		lines(title, years, ids.map((id) => ({ label: r.indicators[id].label[l] || id, values: r.trend.indicators[id].map(num) })),
			(v) => i18n.formatNumber(v)),
		h('details', {}, h('summary', { text: t('dash.trendTable') }),
			table(title, [t('dash.indicator'), ...years.map((y) => ({ text: String(y), num: true }))],
				Object.keys(r.trend.indicators).filter((id) => r.indicators[id]).map((id) => h('tr', {},
					h('th', { scope: 'row', text: r.indicators[id].label[l] || id }),
					r.trend.indicators[id].map((v) => h('td', { class: 'num', text: fmtValue(v, r.indicators[id].unit) })))))));
}

function breakdowns(r) {
	if (!r.breakdowns || !r.breakdowns.length) return null;
	const l = i18n.reportLang();
	return section(t('dash.breakdowns'), h('div', { class: 'breakdowns' }, r.breakdowns.map((b) => {
		const of = r.indicators[b.indicator] ? r.indicators[b.indicator].label[l] : b.indicator;
		const title = `${of}: ${b.label[l] || b.dimension}`;
		return h('div', { class: 'breakdown' }, h('h3', { text: title }),
			bars(title, b.rows.map((row) => ({ label: row.label[l] || row.category, value: typeof row.value === 'number' ? row.value : null })),
				(v) => (v === null ? t('dash.hidden') : i18n.formatNumber(v))),
			h('details', {}, h('summary', { text: t('dash.asTable') }),
				table(title, [t('dash.category'), { text: String(r.year), num: true }, { text: String(r.previous_year), num: true }],
					b.rows.map((row) => h('tr', {}, h('th', { scope: 'row', text: row.label[l] || row.category }),
						h('td', { class: 'num', text: fmtValue(row.value, 'persons') }),
						h('td', { class: 'num', text: fmtValue(row.previous, 'persons') }))))));
	})));
}

export function downloads(year) {
	const links = [];
	for (const format of ['pdf', 'xlsx', 'csv'])
		for (const l of ['az', 'en'])
			links.push(h('li', {}, h('a', {
				href: `/api/v1/reports/annual${api.query({ year, format, lang: l })}`,
				download: `haven-annual-${year}-${l}.${format}`,
				hreflang: l,
				text: t('dash.download', { format: i18n.label('format', format), lang: i18n.label('lang', l) }),
			})));
	return section(t('dash.downloads'), h('ul', { class: 'downloads' }, links));
}

export function approval(r) {
	if (!r.approved)
		return h('p', { class: 'notice', text: t('dash.live') });
	const a = r.approved;
	const date = new Date(a.frozen_at * 1000);
	const iso = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
	const l = i18n.reportLang();
	return h('div', {}, h('p', { class: 'notice ok', text: t('dash.approved', { date: i18n.formatDate(iso) }) }),
		a.restatements && a.restatements.length
			? table(t('dash.restatements'), [t('dash.indicator'), t('dash.year'), t('dash.restatedApproved'), t('dash.restatedNow')],
				a.restatements.map((s) => {
					const unit = r.indicators[s.indicator] ? r.indicators[s.indicator].unit : 'persons';
					return h('tr', {}, h('th', { scope: 'row', text: r.indicators[s.indicator] ? r.indicators[s.indicator].label[l] : s.indicator }),
						h('td', { text: String(s.year) }), h('td', { class: 'num', text: fmtValue(s.approved, unit) }),
						h('td', { class: 'num', text: fmtValue(s.now, unit) }));
				}), { showCaption: true })
			: null);
}

function lookup(ctx) {
	const form = new Form({
		label: t('dash.lookup'),
		submit: t('quick.openButton'),
		class: 'inline',
		buttonClass: 'secondary',
		onSubmit: (v) => ctx.go(`#/persons/${encodeURIComponent(v.id)}`),
	});
	form.add(new Field({ name: 'id', label: t('common.idLabel'), required: true, maxlength: 64 }));
	return section(t('dash.lookup'), h('p', { class: 'intro', text: t('dash.lookupIntro') }), form.el);
}

export async function render(main, ctx, current) {
	const year = Number(ctx.params.year) || new Date().getFullYear();
	ctx.title(t('dash.title'));
	const r = await api.get(`/api/v1/reports/annual${api.query({ year, format: 'json', lang: i18n.reportLang() })}`);
	if (!current()) return;
	const yearForm = new Form({
		label: t('dash.year'),
		submit: t('dash.show'),
		class: 'inline',
		buttonClass: 'secondary',
		onSubmit: (v) => ctx.go(`#/dashboard?year=${v.year}`),
	});
	const thisYear = new Date().getFullYear();
	yearForm.add(new Field({ name: 'year', label: t('dash.year'), type: 'select', required: true, placeholder: false, value: String(year),
		options: Array.from({ length: 8 }, (_, k) => String(thisYear - k)).map((y) => ({ value: y, label: y })) }));
	const hiddenShown = Object.values(r.indicators).some((x) => typeof x.value === 'string' && !/^-?\d/.test(x.value));
	fill(main,
		h('div', { class: 'page-head' },
			h('h1', { text: r.title ? r.title[i18n.reportLang()] || t('dash.title') : t('dash.title') }),
			yearForm.el),
		approval(r),
		section(t('dash.key', { year: r.year }), cards(r), hiddenShown ? h('p', { class: 'hint', text: t('dash.hiddenNote') }) : null),
		h('div', { class: 'dash-grid' },
			section(t('dash.narrative'), h('div', { class: 'narrative', lang: r.lang || i18n.reportLang() }, (r.narrative || []).map((p) => h('p', { text: p })))),
			downloads(year)),
		trend(r),
		section(t('dash.all'), allTable(r)),
		breakdowns(r),
		ctx.user.role === 'coordinator' ? lookup(ctx) : null);
}
