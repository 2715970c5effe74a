// page-signin.js - signing in with username, password and one-time code.
// Shown when there is no session; app.js draws the rest once signed in.

import { h, fill } from './dom.js';
import * as api from './api.js';
import { t } from './i18n.js';
import { Field, Form, errorText } from './form.js';

// What a failed sign-in tells the user: the server answers every wrong
// credential alike (401), and 429 while attempts are held back.
export function failureText(e) {
	if (e instanceof api.ApiError && e.status === 401) return t('signin.failed');
	if (e instanceof api.ApiError && e.status === 429) return t('signin.held');
	return errorText(e);
}

// opts: {onSignedIn(result), message, error}
export function render(main, opts) {
	document.title = `${t('signin.title')} — ${t('app.name')}`;
	const form = new Form({
		label: t('signin.title'),
		submit: t('signin.submit'),
		class: 'signin',
		onSubmit: async (v) => {
			try {
				const body = { username: v.username, password: v.password };
				if (v.otp) body.otp = v.otp;
				const r = await api.post('/api/v1/session', body, { signin: true });
				opts.onSignedIn(r);
			} catch (e) {
				form.clearErrors();
				form.say(failureText(e), 'error');
				form.field('password').input.value = '';
				form.field('otp').input.value = '';
				form.field('password').focus();
			}
		},
	});
	form.add(
		new Field({ name: 'username', label: t('signin.username'), required: true, autocomplete: 'username', maxlength: 64 }),
		new Field({ name: 'password', label: t('signin.password'), type: 'password', required: true, autocomplete: 'current-password' }),
		new Field({ name: 'otp', label: t('signin.otp'), type: 'otp', hint: t('signin.otpHint'), autocomplete: 'one-time-code', maxlength: 6 }));
	fill(main, h('div', { class: 'signin-page' },
		h('h1', { text: t('signin.title') }),
		opts.message ? h('p', { class: 'notice', role: 'status', text: opts.message }) : null,
		opts.error ? h('p', { class: 'notice error', role: 'alert', text: errorText(opts.error) }) : null,
		form.el,
		h('p', { class: 'signin-reset' }, h('a', { href: '#/reset', text: t('signin.haveCode') }))));
	form.field('username').focus();
}
