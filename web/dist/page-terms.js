// page-terms.js - the data-protection terms (checklist HUM-15), shown after
// signing in, before anything else, until the user has accepted the current
// version.  The server refuses every record until then (403
// terms-required), so app.js draws this page instead of any other while
// GET /api/v1/session says {terms: {accepted: false}}.
//
// The text is the server's (GET /api/v1/terms), in the interface's
// language, and the acceptance names the version that was shown (POST
// /api/v1/session/terms), so what is recorded is what the user read.  If the
// terms changed in the meantime the server refuses that version (400 at
// "version"): the page is drawn again with the new text and says why.  The
// paragraphs are plain text, set with textContent like everything else.

import { h, fill, uid } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { errorText } from './form.js';

const { t } = i18n;

// ctx.terms: {changed (the text changed since the user last saw or accepted
// it), onChanged(), onAccepted(), signOut()}, from app.js.
export async function render(main, ctx, current) {
	const terms = await api.get(`/api/v1/terms${api.query({ lang: i18n.lang() })}`);
	if (!current()) return;
	const title = terms.title || t('terms.title');
	ctx.title(title);

	const boxId = uid('accept');
	const errorId = `${boxId}-error`;
	const box = h('input', { type: 'checkbox', id: boxId, name: 'accept', 'aria-required': 'true', 'aria-describedby': errorId,
		onchange: () => { if (box.checked) refuse(''); } });
	const error = h('p', { class: 'field-error', id: errorId, hidden: true });
	const field = h('div', { class: 'field', 'data-field': 'accept' },
		error, h('div', { class: 'choice' }, box, h('label', { for: boxId, text: t('terms.agree') })));
	const button = h('button', { type: 'submit', class: 'primary', text: t('terms.accept') });
	const message = h('div', { class: 'form-message', role: 'status' });

	// The button stays enabled (a disabled one could not be reached by Tab
	// nor say why); unticked, it says what is missing beside the box.
	function refuse(text) {
		error.textContent = text;
		error.hidden = !text;
		field.classList.toggle('invalid', Boolean(text));
		if (text) box.setAttribute('aria-invalid', 'true');
		else box.removeAttribute('aria-invalid');
	}

	async function accept(e) {
		e.preventDefault();
		message.textContent = '';
		message.className = 'form-message';
		if (!box.checked) {
			refuse(t('terms.tick'));
			box.focus();
			return;
		}
		button.disabled = true;
		form.setAttribute('aria-busy', 'true');
		try {
			await api.post('/api/v1/session/terms', { version: terms.version });
		} catch (err) {
			button.disabled = false;
			form.removeAttribute('aria-busy');
			if (err instanceof api.ApiError && err.status === 400 && err.fields.some((f) => f.field === 'version')) {
				ctx.terms.onChanged(); // the text changed since it was loaded: show the new one
				return;
			}
			message.className = 'form-message error';
			message.textContent = errorText(err);
			return;
		}
		ctx.terms.onAccepted(terms.version);
	}

	const form = h('form', { class: 'terms', novalidate: true, 'aria-label': t('terms.form'), onsubmit: accept },
		field,
		h('div', { class: 'actions' }, button,
			h('button', { type: 'button', class: 'secondary', text: t('terms.decline'), onclick: ctx.terms.signOut })),
		message);

	fill(main, h('div', { class: 'terms-page' },
		h('h1', { text: title }),
		h('p', { class: 'intro', text: t('terms.intro') }),
		ctx.terms.changed ? h('p', { class: 'notice warn', role: 'alert', text: t('terms.changed') }) : null,
		h('div', { class: 'terms-text' }, (terms.paragraphs || []).map((p) => h('p', { text: p }))),
		h('p', { class: 'terms-version', text: t('terms.version', { version: terms.version }) }),
		form));
}
