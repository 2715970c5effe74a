// page-register.js - registering a person: first a search for possible
// duplicates among the persons the user may see, then the details form with
// the importer's rules checked next to each field (and the API's own field
// errors shown the same way).
//
// Officers choose the status (only they decide it); for caseworkers the API
// registers potential victims only, so the form sends that status.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, options } from './form.js';
import { personName, statusBadge, table } from './people.js';

const { t } = i18n;

function duplicatesOf(found, v) {
	const norm = (s) => (s || '').toLocaleLowerCase(i18n.lang());
	return found.filter((p) => norm(p.family_name).includes(norm(v.family_name)) ||
		norm(p.given_name) === norm(v.given_name));
}

export async function render(main, ctx, current) {
	ctx.title(t('register.title'));
	const officer = ctx.user.role === 'officer';
	const parentId = ctx.params.parent || '';
	let parent = null;
	if (parentId) {
		try {
			parent = (await api.get(`/api/v1/persons/${encodeURIComponent(parentId)}`)).person;
		} catch {
			parent = { id: parentId };
		}
		if (!current()) return;
	}
	const dateHint = t('common.dateHint', { example: i18n.dateExample() });
	const F = (spec) => new Field(spec);
	const f = {
		given_name: F({ name: 'given_name', label: t('field.given_name'), required: true, maxlength: 200, autocomplete: 'off' }),
		family_name: F({ name: 'family_name', label: t('field.family_name'), required: true, maxlength: 200 }),
		birth_date: F({ name: 'birth_date', label: t('field.birth_date'), type: 'birth', hint: t('common.birthHint') }),
		patronymic: F({ name: 'patronymic', label: t('field.patronymic'), maxlength: 200 }),
		sex: F({ name: 'sex', label: t('field.sex'), type: 'radios', required: true, options: options('sex') }),
		citizenship: F({ name: 'citizenship', label: t('field.citizenship'), type: 'country', hint: t('common.countryHint'), maxlength: 3 }),
		document_number: F({ name: 'document_number', label: t('field.document_number'), maxlength: 200 }),
		phone: F({ name: 'phone', label: t('field.phone'), maxlength: 200, autocomplete: 'off' }),
		address: F({ name: 'address', label: t('field.address'), type: 'textarea', maxlength: 500 }),
		status: officer ? F({ name: 'status', label: t('field.status'), type: 'select', required: true, placeholder: false,
			options: options('status'), value: parentId ? 'dependant' : 'potential_victim' }) : null,
		parent_id: officer ? F({ name: 'parent_id', label: t('field.parent_id'), value: parentId, maxlength: 64 }) : null,
		identified_on: F({ name: 'identified_on', label: t('field.identified_on'), type: 'date', required: true, hint: dateHint, value: i18n.dateInputValue(i18n.todayIso()) }),
		identification_source: F({ name: 'identification_source', label: t('field.identification_source'), type: 'select', required: true,
			options: options('source'), value: officer ? 'police' : 'ngo_referral' }),
		recognized_on: officer ? F({ name: 'recognized_on', label: t('field.recognized_on'), type: 'date', hint: dateHint }) : null,
		decided_on: officer ? F({ name: 'decided_on', label: t('field.decided_on'), type: 'date', hint: dateHint }) : null,
		exploitation: F({ name: 'exploitation', label: t('field.exploitation'), type: 'checkboxes', options: options('exploitation') }),
		country_of_exploitation: F({ name: 'country_of_exploitation', label: t('field.country_of_exploitation'), type: 'country', hint: t('common.countryHint'), maxlength: 3 }),
	};

	const results = h('div', { class: 'duplicates', 'aria-live': 'polite' });
	const step2 = h('div', { class: 'step', hidden: true });
	const form = new Form({
		label: t('register.title'),
		submit: t('register.submit'),
		class: 'register',
		check: (v) => {
			const errs = {};
			if (v.recognized_on && v.identified_on && v.recognized_on < v.identified_on)
				errs.recognized_on = t('err.notBefore', { other: i18n.formatDate(v.identified_on) });
			if (v.decided_on && v.identified_on && v.decided_on < v.identified_on)
				errs.decided_on = t('err.notBefore', { other: i18n.formatDate(v.identified_on) });
			return errs;
		},
		onSubmit: async (v) => {
			if (step2.hidden) {
				searchButton.click(); // Enter in the first fields searches
				return;
			}
			const body = { status: 'potential_victim', ...v };
			const r = await api.post('/api/v1/persons', body);
			ctx.announce(t('register.done'));
			ctx.go(`#/persons/${r.id}`);
		},
	});
	form.button.hidden = true;

	// Which fields a status asks for (officers): the importer's rules.
	function statusChanged() {
		if (!officer) return;
		const s = f.status.input.value;
		f.recognized_on.show(s === 'victim');
		f.decided_on.show(s === 'not_confirmed');
		f.parent_id.show(s === 'dependant');
		f.identified_on.spec.required = s !== 'dependant';
		f.identification_source.spec.required = s !== 'dependant';
		f.recognized_on.spec.required = s === 'victim';
		f.decided_on.spec.required = s === 'not_confirmed';
		f.parent_id.spec.required = s === 'dependant';
	}
	if (officer) {
		f.status.input.addEventListener('change', statusChanged);
		statusChanged();
	}

	const searchButton = h('button', { type: 'button', class: 'secondary', text: t('register.dupSearch'),
		onclick: async () => {
			const v = {};
			const errors = [];
			for (const name of ['given_name', 'family_name', 'birth_date']) {
				const r = f[name].read();
				if (r.error) errors.push([f[name], r.error]);
				else v[name] = r.value;
			}
			if (errors.length) {
				form.showErrors(errors);
				return;
			}
			form.clearErrors();
			try {
				const r = await api.post('/api/v1/persons/search', { name: v.family_name, limit: 100 });
				const dups = duplicatesOf(r.persons, v);
				fill(results, dups.length
					? [h('p', { class: 'notice warn', text: t('register.dupFound', { n: i18n.formatNumber(dups.length) }) }),
						table(t('register.dupTitle'), [t('persons.name'), t('field.birth_date'), t('field.status')],
							dups.map((p) => h('tr', {},
								h('td', {}, h('a', { href: `#/persons/${p.id}`, text: personName(p) })),
								h('td', { text: i18n.formatDate(p.birth_date) }),
								h('td', {}, statusBadge(p.status)))))]
					: h('p', { class: 'notice ok', text: t('register.dupNone') }),
				h('button', { type: 'button', class: 'primary', text: t('register.dupContinue'), onclick: reveal }));
				results.querySelector('.notice').setAttribute('tabindex', '-1');
				results.querySelector('.notice').focus();
			} catch (e) {
				form.showApiError(e);
			}
		} });

	function reveal() {
		step2.hidden = false;
		const go = results.querySelector('button.primary');
		if (go) go.hidden = true;
		form.button.hidden = false;
		const first = step2.querySelector('input, select, textarea');
		if (first) first.focus();
	}

	const group = (title, ...fields) => h('fieldset', { class: 'group' }, h('legend', { text: title }), fields.filter(Boolean).map((x) => x.el));
	form.add(
		h('section', { class: 'step' },
			h('h2', { text: t('register.dupTitle') }),
			h('p', { class: 'intro', text: t('register.dupIntro') })),
		f.given_name, f.family_name, f.birth_date);
	form.body.append(h('div', { class: 'actions' }, searchButton), results, step2);
	step2.append(h('h2', { text: t('register.detailsTitle') }),
		group(t('register.identity'), f.patronymic, f.sex, f.citizenship, f.document_number),
		group(t('register.contact'), f.phone, f.address),
		group(t('register.identification'), f.status, f.parent_id, f.identified_on, f.identification_source,
			f.recognized_on, f.decided_on, f.exploitation, f.country_of_exploitation));
	form.fields.push(...Object.values(f).filter((x) => x && !form.fields.includes(x)));
	fill(main,
		h('h1', { text: t('register.title') }),
		parent ? h('p', { class: 'notice', text: t('register.childOf', { parent: personName(parent) }) }) : null,
		h('div', { class: 'card' }, form.el));
}
