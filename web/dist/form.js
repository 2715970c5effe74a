// form.js - forms: labelled fields with hints, the importer's rules checked
// as the user submits (message next to the field, and a summary at the top
// that links to each), and the API's field errors shown the same way.
//
// Browser validation is off (novalidate): its bubbles would speak the
// browser's language, not the user's.  The server checks everything again;
// these checks only spare a round trip.

import { h, uid } from './dom.js';
import * as i18n from './i18n.js';
import { ApiError } from './api.js';

const { t } = i18n;

// Reads one field's typed value: {value} or {error}.
const readers = {
	text: (el) => ({ value: el.value.trim() || null }),
	textarea: (el) => ({ value: el.value.trim() || null }),
	select: (el) => ({ value: el.value || null }),
	date: (el) => {
		const s = el.value.trim();
		if (!s) return { value: null };
		const iso = i18n.parseDate(s);
		if (!iso) return { error: t('err.date', { example: i18n.dateExample() }) };
		const today = i18n.todayIso();
		return iso > today ? { error: t('err.future', { today: i18n.formatDate(today) }) } : { value: iso };
	},
	birth: (el) => {
		const s = el.value.trim();
		if (!s) return { value: null };
		const iso = i18n.parseDate(s, true);
		if (!iso || iso < '1900' || iso > i18n.todayIso().slice(0, iso.length))
			return { error: t('err.birth') };
		return { value: iso };
	},
	country: (el) => {
		const s = el.value.trim().toUpperCase();
		if (!s) return { value: null };
		return /^[A-Z]{3}$/.test(s) ? { value: s } : { error: t('err.country') };
	},
	money: (el) => {
		const s = el.value.trim();
		if (!s) return { value: null };
		const v = i18n.parseMoney(s);
		return v ? { value: v } : { error: t('err.amount', { example: i18n.moneyExample() }) };
	},
	otp: (el) => {
		const s = el.value.replace(/\s/g, '');
		if (!s) return { value: null };
		return /^\d{6}$/.test(s) ? { value: s } : { error: t('err.otp') };
	},
};

// A field: spec = {name, label, type, required, requiredMessage (instead
// of "Fill in this field"), options, hint, value, autocomplete, maxlength,
// multiple (checkboxes), radios}.
export class Field {
	constructor(spec) {
		this.spec = spec;
		this.name = spec.name;
		this.id = uid(spec.name);
		const hintId = `${this.id}-hint`;
		const errorId = `${this.id}-error`;
		this.error = h('p', { class: 'field-error', id: errorId, hidden: true });
		const hint = spec.hint ? h('p', { class: 'hint', id: hintId, text: spec.hint }) : null;
		const described = [hint ? hintId : null, errorId].filter(Boolean).join(' ');
		const labelText = [spec.label, spec.required ? null : h('span', { class: 'optional', text: ` (${t('common.optional')})` })];
		if (spec.type === 'checkboxes' || spec.type === 'radios') {
			this.inputs = spec.options.map((o) => {
				const id = uid(spec.name);
				const input = h('input', {
					type: spec.type === 'radios' ? 'radio' : 'checkbox',
					id, name: this.id, value: o.value,
					checked: spec.type === 'radios' ? spec.value === o.value : (spec.value || []).includes(o.value),
				});
				return h('div', { class: 'choice' }, input, h('label', { for: id, text: o.label }));
			});
			this.el = h('fieldset', { class: 'field', 'data-field': spec.name, 'aria-describedby': described },
				h('legend', {}, labelText), hint, this.error, h('div', { class: 'choices' }, this.inputs));
			this.input = this.el.querySelector('input');
			return;
		}
		if (spec.type === 'select') {
			this.input = h('select', { id: this.id, name: spec.name },
				spec.placeholder === false ? null : h('option', { value: '', text: t('common.choose') }),
				spec.options.map((o) => h('option', { value: o.value, text: o.label, selected: o.value === spec.value })));
		} else if (spec.type === 'textarea') {
			this.input = h('textarea', { id: this.id, name: spec.name, rows: 3, maxlength: spec.maxlength });
			this.input.value = spec.value || '';
		} else {
			this.input = h('input', {
				id: this.id, name: spec.name,
				type: spec.type === 'password' ? 'password' : 'text',
				autocomplete: spec.autocomplete || 'off',
				inputmode: spec.type === 'otp' ? 'numeric' : spec.type === 'money' ? 'decimal' : null,
				maxlength: spec.maxlength,
				spellcheck: spec.type === 'text' || spec.type === 'textarea' ? null : 'false',
				class: ['date', 'birth', 'country', 'money', 'otp'].includes(spec.type) ? `short ${spec.type}` : null,
			});
			this.input.value = spec.value || '';
		}
		this.input.setAttribute('aria-describedby', described);
		if (spec.required) this.input.setAttribute('aria-required', 'true');
		this.el = h('div', { class: 'field', 'data-field': spec.name },
			h('label', { for: this.id }, labelText), hint, this.error, this.input);
	}

	// {value} or {error}; a required field left empty is an error.
	read() {
		let r;
		if (this.spec.type === 'checkboxes') {
			const v = this.inputs.map((d) => d.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
			r = { value: v.length ? v : null };
		} else if (this.spec.type === 'radios') {
			const i = this.inputs.map((d) => d.querySelector('input')).find((x) => x.checked);
			r = { value: i ? i.value : null };
		} else {
			r = (readers[this.spec.type] || readers.text)(this.input);
		}
		if (!r.error && this.spec.required && (r.value === null || r.value === undefined))
			r = { error: this.spec.requiredMessage || t('err.required') };
		if (!r.error && this.spec.maxlength && typeof r.value === 'string' && r.value.length > this.spec.maxlength)
			r = { error: t('err.long', { n: this.spec.maxlength }) };
		return r;
	}

	setError(message) {
		this.error.textContent = message || '';
		this.error.hidden = !message;
		this.el.classList.toggle('invalid', Boolean(message));
		const targets = this.spec.type === 'checkboxes' || this.spec.type === 'radios'
			? this.inputs.map((d) => d.querySelector('input')) : [this.input];
		for (const i of targets)
			if (message) i.setAttribute('aria-invalid', 'true');
			else i.removeAttribute('aria-invalid');
	}

	focus() {
		this.input.focus();
	}

	show(visible) {
		this.el.hidden = !visible;
	}
}

// A form of fields: spec = {label (accessible name), submit (button text),
// onSubmit(values, form) -> promise, check(values) -> {field: msg},
// aliases: {API field: form field} for an API field the form asks for
// under another name}.
export class Form {
	constructor(spec) {
		this.spec = spec;
		this.fields = [];
		this.summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
		this.message = h('div', { class: 'form-message', role: 'status' });
		this.button = h('button', { type: 'submit', class: spec.buttonClass || 'primary', text: spec.submit });
		this.body = h('div', { class: 'form-body' });
		this.el = h('form', { novalidate: true, 'aria-label': spec.label || null, class: spec.class || null,
			onsubmit: (e) => { e.preventDefault(); this.submit(); } },
		this.summary, this.body, h('div', { class: 'actions' }, this.button, spec.extraButtons || null), this.message);
	}

	add(...items) {
		for (const item of items.flat()) {
			if (item instanceof Field) {
				this.fields.push(item);
				this.body.append(item.el);
			} else if (item) {
				this.body.append(item);
			}
		}
		return this;
	}

	field(name) {
		return this.fields.find((f) => f.name === name);
	}

	// The values of the visible fields, or null after showing the errors.
	values() {
		const values = {};
		const errors = [];
		for (const f of this.fields) {
			if (f.el.hidden || f.el.closest('[hidden]')) continue;
			const r = f.read();
			if (r.error) errors.push([f, r.error]);
			else if (r.value !== null && r.value !== undefined) values[f.name] = r.value;
		}
		if (!errors.length && this.spec.check) {
			for (const [name, msg] of Object.entries(this.spec.check(values) || {})) {
				const f = this.field(name);
				if (f) errors.push([f, msg]);
			}
		}
		this.showErrors(errors);
		return errors.length ? null : values;
	}

	clearErrors() {
		for (const f of this.fields) f.setError('');
		this.summary.hidden = true;
		this.summary.replaceChildren();
		this.message.replaceChildren();
		this.message.className = 'form-message';
	}

	// errors: [[Field or null, message, label]]
	showErrors(errors) {
		this.clearErrors();
		if (!errors.length) return;
		for (const [f, msg] of errors) if (f) f.setError(msg);
		const items = errors.map(([f, msg, name]) => h('li', {},
			f ? h('a', { href: `#${f.id}`, onclick: (e) => { e.preventDefault(); f.focus(); } },
				`${f.spec.label}: ${msg}`) : `${name}: ${msg}`));
		this.summary.append(h('h3', { text: t('common.errorsTitle') }), h('ul', {}, items));
		this.summary.hidden = false;
		this.summary.focus();
	}

	// Shows what a failed call means, per field where the API names one.
	showApiError(e) {
		if (e instanceof ApiError && (e.status === 400 || e.status === 422) && e.fields.length) {
			const aliases = this.spec.aliases || {};
			this.showErrors(e.fields.map((x) => [this.field(x.field) || this.field(aliases[x.field]) || null, x.message, x.field]));
			return;
		}
		this.clearErrors();
		this.say(errorText(e), 'error');
	}

	say(text, kind = 'ok') {
		this.message.className = `form-message ${kind}`;
		this.message.textContent = text;
	}

	async submit() {
		const values = this.values();
		if (!values) return;
		this.button.disabled = true;
		this.el.setAttribute('aria-busy', 'true');
		try {
			await this.spec.onSubmit(values, this);
		} catch (e) {
			this.showApiError(e);
		} finally {
			this.button.disabled = false;
			this.el.removeAttribute('aria-busy');
		}
	}
}

// What a failed call means to the user, in their language.
export function errorText(e) {
	if (!(e instanceof ApiError)) return t('common.error');
	if (e.status === 401 && String(e.problem.type || '').endsWith('/reauth-required')) return t('stepup.cancelled');
	if (e.status === 403 && String(e.problem.type || '').endsWith('/terms-required')) return t('terms.required');
	const byStatus = { 0: 'common.network', 403: 'common.forbidden', 404: 'common.notFound',
		409: 'common.conflict', 429: 'common.tooMany', 400: 'common.invalid', 422: 'common.invalid' };
	const text = t(byStatus[e.status] || 'common.error');
	return e.status >= 500 && e.requestId ? `${text} ${t('common.requestId', { id: e.requestId })}` : text;
}

// Options of a code list for a select: [{value, label}].
export function options(list, only) {
	return (only || i18n.codesOf(list)).map((c) => ({ value: c, label: i18n.label(list, c) }));
}
