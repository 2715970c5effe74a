// page-users.js - the accounts, for administrators (GET /api/v1/users).
// Accounts are changed at the server's console (haven user); the API offers
// the list only, so this page lists.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { section, table } from './people.js';

const { t } = i18n;

export async function render(main, ctx, current) {
	ctx.title(t('users.title'));
	const r = await api.get('/api/v1/users');
	if (!current()) return;
	fill(main,
		h('h1', { text: t('users.title') }),
		section(t('users.title'),
			table(t('users.title'), [t('users.username'), t('users.role'), t('users.agency'), t('users.state'), t('users.otp'), t('users.created')],
				r.users.map((u) => h('tr', { class: u.disabled ? 'disabled' : null },
					h('th', { scope: 'row', text: u.username }),
					h('td', { text: i18n.label('role', u.role) }),
					h('td', { text: i18n.label('agency', u.agency) }),
					h('td', {}, h('span', { class: `badge ${u.disabled ? 'off' : 'on'}`, text: u.disabled ? t('users.disabled') : t('users.active') })),
					h('td', { text: u.one_time_codes ? t('common.yes') : t('common.no') }),
					h('td', { text: i18n.formatTimestamp(u.created_at) })))),
			h('p', { class: 'hint', text: t('users.console') })));
}
