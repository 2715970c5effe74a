// people.js - small pieces several pages share: a person's name, the status
// badge, a referral's age and its consent, tables that scroll on narrow
// screens.

import { h } from './dom.js';
import * as i18n from './i18n.js';

const { t } = i18n;

// The days a hand-over from the MIA may wait for an answer.  A referral
// carries only the day it was sent, so it is taken to have been sent at the
// start of that day: from the next day on it may be past 24 hours, and it is
// flagged (better one flag too early than a victim waiting unseen).
export const OVERDUE_DAYS = 1;
export const MIA = 'mia_ctd';

export function personName(p) {
	if (!p) return '';
	const name = [p.given_name, p.patronymic, p.family_name].filter(Boolean).join(' ');
	return name || p.id;
}

export function statusBadge(status) {
	if (!status) return null;
	return h('span', { class: `badge status-${status}`, text: i18n.label('status', status) });
}

function days(iso) {
	const [y, m, d] = iso.split('-').map(Number);
	return Date.UTC(y, m - 1, d) / 86400000;
}

// Whole days from `iso` to today.
export function ageInDays(iso) {
	return days(i18n.todayIso()) - days(iso);
}

export function isOverdue(referral) {
	return referral.status === 'sent' && referral.from === MIA && ageInDays(referral.date) >= OVERDUE_DAYS;
}

// The mark of a referral sent without the person's consent (an override,
// with its lawful ground), for the timeline and the receiving agency's
// inbox; null for any other referral.
export function withoutConsent(referral) {
	if (referral.consent_override !== true) return null;
	const reason = referral.override_reason ? i18n.label('consent_override_reason', referral.override_reason) : '';
	return h('span', { class: 'badge no-consent', 'data-consent': 'override',
		text: reason ? t('consent.withoutReason', { reason }) : t('consent.without') });
}

// A table inside a region that scrolls sideways on a narrow screen (and can
// be scrolled with the keyboard: it takes focus).
export function table(caption, head, rows, opts = {}) {
	return h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption },
		h('table', { class: opts.class || null },
			h('caption', { class: opts.showCaption ? null : 'visually-hidden', text: caption }),
			h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.text ?? c })))),
			h('tbody', {}, rows)));
}

export function section(title, ...children) {
	const id = `s-${title.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
	return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id, text: title }), children);
}

export { t };
