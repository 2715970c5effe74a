// page-audit.js - the auditor's page.  The API has no audit-log route yet:
// the page says so and how the log is verified meanwhile.  When
// GET /api/v1/audit exists, its entries (who, what, when, which record id)
// belong in a table here.

import { h, fill } from './dom.js';
import { t } from './i18n.js';

export async function render(main, ctx) {
	ctx.title(t('audit.title'));
	fill(main, h('h1', { text: t('audit.title') }), h('div', { class: 'card' }, h('p', { class: 'notice', text: t('audit.missing') })));
}
