// page-reset.js - setting one's own password with the reset code an
// administrator handed over (POST /api/v1/password-reset), before signing
// in.  The server answers every wrong part (name, code, one-time code) with
// one and the same refusal, so the page cannot say which part was wrong; a
// password the policy refuses is shown next to its field.

import { h, fill } from './dom.js';
import * as api from './api.js';
import { t } from './i18n.js';
import { Field, Form, errorText } from './form.js';

// opts: {done()} called once the password is set.
export function render(main, opts) {
	document.title = `${t('reset.title')} — ${t('app.name')}`;
	const form = new Form({
		label: t('reset.title'),
		submit: t('reset.submit'),
		class: 'reset',
		check: (v) => (v.new_password !== v.repeat ? { repeat: t('reset.mismatch') } : {}),
		onSubmit: async (v) => {
			const body = { username: v.username, code: v.code, new_password: v.new_password };
			if (v.otp) body.otp = v.otp;
			try {
				await api.post('/api/v1/password-reset', body, { signin: true });
			} catch (e) {
				if (e instanceof api.ApiError && e.status === 400) throw e; // the fields say what
				form.clearErrors();
				form.say(e instanceof api.ApiError && e.status === 403 ? t('reset.failed')
					: e instanceof api.ApiError && e.status === 429 ? t('signin.held') : errorText(e), 'error');
				form.field('otp').input.value = '';
				return;
			}
			opts.done();
		},
	});
	form.add(
		new Field({ name: 'username', label: t('signin.username'), required: true, autocomplete: 'username', maxlength: 64 }),
		new Field({ name: 'code', label: t('reset.code'), required: true, hint: t('reset.codeHint'), maxlength: 40 }),
		new Field({ name: 'new_password', label: t('reset.password'), type: 'password', required: true, hint: t('reset.passwordHint'), autocomplete: 'new-password', maxlength: 256 }),
		new Field({ name: 'repeat', label: t('reset.repeat'), type: 'password', required: true, autocomplete: 'new-password', maxlength: 256 }),
		new Field({ name: 'otp', label: t('signin.otp'), type: 'otp', hint: t('signin.otpHint'), autocomplete: 'one-time-code', maxlength: 6 }));
	fill(main, h('div', { class: 'signin-page' },
		h('h1', { text: t('reset.title') }),
		h('p', { class: 'intro', text: t('reset.intro') }),
		form.el,
		h('p', {}, h('a', { href: '#/', text: t('reset.back') }))));
	form.field('username').focus();
}
