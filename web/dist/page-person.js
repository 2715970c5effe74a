// page-person.js - one person: identification, status (and, for officers,
// the status decision and the access block), a timeline of the services and
// referrals the reader may see, its children and parent (those in sight),
// the document number masked with a button to reveal it; and the work on
// the case: record a service, refer to another agency (with the person's
// consent, or without it on a stated lawful ground), answer a referral; and,
// for officers, the legal hold (placed and lifted here) and the subject
// access report (everything held on the person, for the person: GET
// .../subject-access) to download and to read to them.
//
// Each section is drawn only from what the API returned: a field the reader
// may not see is absent from the JSON and so absent from the page (never
// shown empty or greyed out).  A coordinator first states a reason, sent in
// the X-Access-Reason header and kept in the audit log.

import { h, fill } from './dom.js';
import * as api from './api.js';
import * as i18n from './i18n.js';
import { Field, Form, options, errorText } from './form.js';
import { personName, statusBadge, section, isOverdue, withoutConsent, table } from './people.js';

const { t } = i18n;
const WORKERS = ['officer', 'caseworker'];
let reasons = new Map(); // person id -> the reason a coordinator gave, for redraws

function dl(p, names, extra = {}) {
	const rows = names.filter((n) => n in p && p[n] !== null && p[n] !== '' && !(Array.isArray(p[n]) && !p[n].length));
	if (!rows.length) return null;
	return h('dl', { class: 'facts' }, rows.map((n) => [h('dt', { text: t(`field.${n}`) }), h('dd', {}, extra[n] ? extra[n](p[n]) : value(n, p[n]))]));
}

// A document number as reads show it (masked), with a button that asks the
// API for the whole number (POST .../reveal, audited) and shows its answer.
function maskedDocument(p, ctx, headers) {
	return (masked) => {
		const shown = h('code', { class: 'docnum', text: masked });
		const button = h('button', { type: 'button', class: 'small', text: t('person.reveal'),
			'aria-label': t('person.revealFor', { name: personName(p) }),
			onclick: async () => {
				button.disabled = true;
				try {
					const r = await api.post(`/api/v1/persons/${encodeURIComponent(p.id)}/reveal`, undefined, { headers });
					shown.textContent = r.document_number;
					shown.classList.add('revealed');
					button.remove();
					ctx.announce(t('person.revealed'));
					shown.setAttribute('tabindex', '-1');
					shown.focus();
				} catch (e) {
					button.disabled = false;
					ctx.announce(errorText(e), 'error');
				}
			} });
		return h('span', { class: 'reveal' }, shown, ' ', button);
	};
}

// The children of a person and its parent, as far as the reader may see
// them (GET .../children: a child out of sight is absent).
function family(p, fam, ctx) {
	const children = fam ? fam.children : [];
	const parent = fam && fam.parent;
	const add = p.status !== 'dependant' && ctx.user.role === 'officer'
		? h('p', {}, h('a', { href: `#/persons/new?parent=${encodeURIComponent(p.id)}`, text: t('person.childAdd') })) : null;
	if (!parent && !children.length && !add) return null;
	return section(t('person.family'),
		parent ? h('p', { class: 'parent-of' }, `${t('field.parent')}: `, h('a', { href: `#/persons/${encodeURIComponent(parent.id)}`, text: personName(parent) })) : null,
		children.length
			? h('ul', { class: 'children' }, children.map((c) => h('li', { 'data-child': c.id },
				h('a', { href: `#/persons/${encodeURIComponent(c.id)}`, text: personName(c) }),
				c.birth_date ? ` · ${t('field.birth_date')} ${i18n.formatDate(c.birth_date)}` : '',
				c.status ? [' ', statusBadge(c.status)] : null)))
			: p.status !== 'dependant' ? h('p', { class: 'empty', text: t('person.childrenNone') }) : null,
		add);
}

function value(name, v) {
	switch (name) {
	case 'status': return statusBadge(v);
	case 'sex': return i18n.label('sex', v);
	case 'identification_source': return i18n.label('source', v);
	case 'exploitation': return v.map((c) => i18n.label('exploitation', c)).join(', ');
	case 'birth_date': case 'identified_on': case 'recognized_on': case 'decided_on': return i18n.formatDate(v);
	case 'parent_id': return h('a', { href: `#/persons/${v}`, text: v });
	default: return String(v);
	}
}

// Services and referrals, newest first.
function timeline(data, ctx, redraw) {
	const items = [
		...data.services.map((s) => ({ kind: 'service', date: s.date, s })),
		...data.referrals.map((r) => ({ kind: 'referral', date: r.date, r })),
	].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
	if (!items.length) return h('p', { class: 'empty', text: t('person.timelineEmpty') });
	const me = ctx.user;
	return h('ol', { class: 'timeline' }, items.map((it) => {
		if (it.kind === 'service') {
			const s = it.s;
			return h('li', { class: 'service', 'data-service': s.service },
				h('p', { class: 'when' }, h('time', { datetime: s.date, text: i18n.formatDate(s.date) }),
					s.end_date ? ` – ${i18n.formatDate(s.end_date)}` : ''),
				h('p', { class: 'what' }, h('span', { class: 'kind', text: t('person.service') }), ' ',
					h('strong', { text: i18n.label('service', s.service) }),
					s.amount ? [' · ', h('span', { class: 'amount', text: i18n.formatMoney(s.amount, s.currency) })] : null),
				h('p', { class: 'by', text: `${t('field.provider')}: ${i18n.label('agency', s.provider)}` }),
				s.phase ? h('p', { class: 'by', text: `${t('field.phase')}: ${i18n.label('phase', s.phase)}` }) : null,
				s.note ? h('p', { class: 'note', text: s.note }) : null);
		}
		const r = it.r;
		const mine = r.to === me.agency; // the receiver answers a referral
		const act = async (status, done) => {
			try {
				await api.patch(`/api/v1/referrals/${encodeURIComponent(r.id)}`, { status });
				ctx.announce(t(done));
				redraw();
			} catch (e) {
				ctx.announce(errorText(e), 'error');
			}
		};
		const buttons = !WORKERS.includes(me.role) || !mine ? [] : r.status === 'sent'
			? [h('button', { type: 'button', class: 'small primary', onclick: () => act('accepted', 'referral.accepted'), text: t('referral.accept') }),
				h('button', { type: 'button', class: 'small', onclick: () => act('declined', 'referral.declined'), text: t('referral.decline') })]
			: r.status === 'accepted'
				? [h('button', { type: 'button', class: 'small primary', onclick: () => act('completed', 'referral.completed'), text: t('referral.complete') }),
					h('button', { type: 'button', class: 'small', onclick: () => act('declined', 'referral.declined'), text: t('referral.decline') })]
				: [];
		return h('li', { class: 'referral', 'data-referral': r.id },
			h('p', { class: 'when' }, h('time', { datetime: r.date, text: i18n.formatDate(r.date) })),
			h('p', { class: 'what' }, h('span', { class: 'kind', text: t('person.referral') }), ' ',
				h('strong', { text: t('person.referralLine', { from: i18n.label('agency', r.from), to: i18n.label('agency', r.to) }) })),
			h('p', { class: 'by' }, `${t('field.purpose')}: ${i18n.label('service', r.purpose)} · `,
				h('span', { class: `badge referral-${r.status}`, text: i18n.label('referral_status', r.status) }),
				isOverdue(r) ? [' ', h('span', { class: 'badge overdue', text: t('inbox.overdue') })] : null,
				r.closed_on ? ` · ${t('person.closedOn', { date: i18n.formatDate(r.closed_on) })}` : ''),
			// consent null: not recorded (imported from an agency's file), nothing said
			r.consent_override === true ? h('p', { class: 'consent' }, withoutConsent(r))
				: r.consent === true ? h('p', { class: 'consent given', text: t('consent.given') }) : null,
			buttons.length ? h('div', { class: 'row-actions' }, buttons) : null);
	}));
}

function dateField(name, label, required, iso) {
	return new Field({ name, label, type: 'date', required, hint: t('common.dateHint', { example: i18n.dateExample() }), value: iso ? i18n.dateInputValue(iso) : '' });
}

function serviceForm(p, ctx, redraw) {
	const officer = ctx.user.role === 'officer';
	const form = new Form({
		label: t('person.addService'),
		submit: t('person.addServiceSubmit'),
		check: (v) => (v.end_date && v.end_date < v.date ? { end_date: t('err.notBefore', { other: i18n.formatDate(v.date) }) } : {}),
		onSubmit: async (v) => {
			const body = { ...v };
			if (!officer) body.provider = ctx.user.agency;
			if (body.currency) body.currency = body.currency.toUpperCase();
			await api.post(`/api/v1/persons/${encodeURIComponent(p.id)}/services`, body);
			ctx.announce(t('person.serviceSaved'));
			redraw();
		},
	});
	const service = new Field({ name: 'service', label: t('field.service'), type: 'select', required: true, options: options('service') });
	const amount = new Field({ name: 'amount', label: t('field.amount'), type: 'money', hint: t('common.amountHint', { example: i18n.moneyExample() }), maxlength: 20 });
	const currency = new Field({ name: 'currency', label: t('field.currency'), value: 'AZN', maxlength: 3 });
	const phase = new Field({ name: 'phase', label: t('field.phase'), type: 'select', options: options('phase') });
	form.add(service,
		officer ? new Field({ name: 'provider', label: t('field.provider'), type: 'select', required: true, options: options('agency'), value: ctx.user.agency })
			: h('p', { class: 'fixed' }, `${t('field.provider')}: `, h('strong', { text: i18n.label('agency', ctx.user.agency) })),
		dateField('date', t('field.date'), true, i18n.todayIso()), dateField('end_date', t('field.end_date'), false),
		amount, currency, phase,
		new Field({ name: 'note', label: t('field.note'), type: 'textarea', hint: t('field.noteHint'), maxlength: 2000 }));
	const sync = () => {
		const money = i18n.isMoney(service.input.value);
		amount.show(money);
		currency.show(money);
		amount.spec.required = money;
		phase.show(service.input.value === 'legal_aid');
		phase.spec.required = service.input.value === 'legal_aid';
	};
	service.input.addEventListener('change', sync);
	sync();
	return form.el;
}

// The refer form asks whether the person agreed to the referral (to her
// record being shared with the receiving agency).  "No" is a referral
// without consent: it needs one of the lawful grounds of the code list
// consent_override_reason, and the warning that it is audited and shown to
// both agencies.  The API gets consent, or consent_override with
// override_reason; its errors on consent_override belong to the question.
function referForm(p, ctx, redraw) {
	const consent = new Field({ name: 'consent', label: t('consent.question'), type: 'radios', required: true,
		hint: t('consent.questionHint'), requiredMessage: t('consent.errChoose'),
		options: [{ value: 'yes', label: t('consent.yes') }, { value: 'no', label: t('consent.no') }] });
	const reason = new Field({ name: 'override_reason', label: t('consent.reason'), type: 'select', required: true,
		requiredMessage: t('consent.errReason'), options: options('consent_override_reason') });
	const warning = h('p', { class: 'notice warn consent-warning', id: `${reason.id}-warning`, text: t('consent.warning') });
	reason.input.setAttribute('aria-describedby', `${warning.id} ${reason.input.getAttribute('aria-describedby')}`);
	const override = h('div', { class: 'consent-override', 'data-consent-override': '' }, warning, reason.el);
	const sync = () => {
		const no = consent.inputs.some((d) => d.querySelector('input[value="no"]')?.checked);
		override.hidden = !no;
	};
	for (const d of consent.inputs) d.querySelector('input').addEventListener('change', sync);
	sync();
	const form = new Form({
		label: t('person.refer'),
		submit: t('person.referSubmit'),
		aliases: { consent_override: 'consent' },
		onSubmit: async (v) => {
			const { consent: given, override_reason: why, ...rest } = v;
			const body = { person_id: p.id, ...rest };
			if (given === 'yes') body.consent = true;
			else Object.assign(body, { consent: false, consent_override: true, override_reason: why });
			await api.post('/api/v1/referrals', body);
			ctx.announce(t('person.referSaved'));
			redraw();
		},
	});
	form.add(
		new Field({ name: 'to', label: t('field.to'), type: 'select', required: true,
			options: options('agency', i18n.codesOf('agency').filter((a) => a !== ctx.user.agency)) }),
		new Field({ name: 'purpose', label: t('field.purpose'), type: 'select', required: true, options: options('service'), value: 'case_management' }),
		dateField('date', t('field.date'), true, i18n.todayIso()),
		consent, override);
	form.fields.push(reason); // inside `override`: read only while it is shown
	return form.el;
}

function decisionForm(p, ctx, redraw) {
	const kind = new Field({ name: 'decision', label: t('person.decisionKind'), type: 'radios', required: true,
		value: p.status === 'victim' || p.status === 'not_confirmed' ? p.status : null,
		options: [{ value: 'victim', label: t('person.decisionVictim') }, { value: 'not_confirmed', label: t('person.decisionNot') }] });
	const form = new Form({
		label: t('person.decision'),
		submit: t('person.decisionSubmit'),
		check: (v) => (p.identified_on && v.on < p.identified_on ? { on: t('err.notBefore', { other: i18n.formatDate(p.identified_on) }) } : {}),
		onSubmit: async (v) => {
			const body = { status: v.decision };
			body[v.decision === 'victim' ? 'recognized_on' : 'decided_on'] = v.on;
			if (v.exploitation) body.exploitation = v.exploitation;
			if (v.country_of_exploitation) body.country_of_exploitation = v.country_of_exploitation;
			await api.patch(`/api/v1/persons/${encodeURIComponent(p.id)}`, body);
			ctx.announce(t('person.decisionSaved'));
			redraw();
		},
	});
	form.add(h('p', { class: 'intro', text: t('person.decisionIntro') }), kind,
		dateField('on', t('person.decisionDate'), true, p.recognized_on || p.decided_on || i18n.todayIso()),
		new Field({ name: 'exploitation', label: t('field.exploitation'), type: 'checkboxes', options: options('exploitation'), value: p.exploitation || [] }),
		new Field({ name: 'country_of_exploitation', label: t('field.country_of_exploitation'), type: 'country', hint: t('common.countryHint'), value: p.country_of_exploitation || '', maxlength: 3 }));
	return form.el;
}

function blockControl(p, ctx, redraw) {
	const on = p.access_block === true;
	return h('div', { class: 'block-control' },
		on ? h('p', { class: 'notice warn', text: t('person.blocked') }) : null,
		h('button', { type: 'button', class: on ? 'secondary' : 'danger', text: on ? t('person.blockLift') : t('person.blockSet'),
			onclick: async () => {
				try {
					await api.patch(`/api/v1/persons/${encodeURIComponent(p.id)}`, { access_block: !on });
					ctx.announce(t('person.blockSaved'));
					redraw();
				} catch (e) {
					ctx.announce(errorText(e), 'error');
				}
			} }));
}

// ---- legal hold (checklist HUM-11) ------------------------------------------
//
// A hold keeps the record (and its family's) past its retention period.  The
// API tells the readers who may place one, officers, in GET .../persons/{id}
// "legal_hold": {reason, since} or null, and nobody else: the section is
// drawn when the member is there.  Placing (POST .../legal-hold {reason}) and
// lifting (DELETE, confirmed in the page first: lifting lets the retention
// job erase the record once its period has ended) both need a recent
// sign-in, which api.js asks for with the step-up dialog; their answer is the
// hold as it now is, and the section is drawn again from it.

function holdState(hold) {
	return hold
		? h('p', { class: 'notice hold-state', 'data-hold': 'held', tabindex: '-1',
			text: t('hold.held', { reason: i18n.label('legal_hold_reason', hold.reason), date: i18n.formatDate(hold.since) }) })
		: h('p', { class: 'hold-state', 'data-hold': 'none', tabindex: '-1', text: t('hold.none') });
}

// family: a hold on another of the family keeps this record too (the
// person's answer says family_hold; placing or lifting this one's own hold
// does not change it)
function legalHold(p, first, family, ctx) {
	const url = `/api/v1/persons/${encodeURIComponent(p.id)}/legal-hold`;
	const box = h('div', { class: 'hold-body' });
	// draws the hold as the last answer has it, then focuses `focus` in it
	const show = (hold, focus) => {
		fill(box, holdState(hold), hold ? liftControl(hold) : placeForm());
		if (focus) box.querySelector(focus).focus();
	};
	const placeForm = () => {
		const form = new Form({
			label: t('hold.place'),
			submit: t('hold.place'),
			onSubmit: async (v) => {
				const r = await api.post(url, { reason: v.reason });
				show(r.legal_hold, '.hold-state');
				ctx.announce(t('hold.placed'));
			},
		});
		form.add(new Field({ name: 'reason', label: t('hold.reason'), type: 'select', required: true,
			requiredMessage: t('hold.errReason'), options: options('legal_hold_reason') }));
		return form.el;
	};
	// the lift button, then a confirmation in the page (no pop-up)
	const liftControl = (hold) => {
		const lift = h('div', { class: 'hold-lift' });
		const ask = () => {
			const yes = h('button', { type: 'button', class: 'danger', 'data-action': 'hold-lift-yes', text: t('hold.liftYes'),
				onclick: async () => {
					yes.disabled = true;
					try {
						const r = await api.del(url);
						show(r.legal_hold, '.hold-state');
						ctx.announce(t('hold.lifted'));
					} catch (e) {
						yes.disabled = false;
						ctx.announce(errorText(e), 'error');
					}
				} });
			fill(lift, h('p', { class: 'notice warn', role: 'alert', text: t('hold.liftConfirm') }),
				h('div', { class: 'actions' }, yes,
					h('button', { type: 'button', class: 'secondary', text: t('common.cancel'),
						onclick: () => show(hold, '[data-action="hold-lift"]') })));
			yes.focus();
		};
		fill(lift, h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'secondary', 'data-action': 'hold-lift', text: t('hold.lift'), onclick: ask })));
		return lift;
	};
	show(first);
	const s = section(t('hold.title'), h('p', { class: 'intro', text: t('hold.intro') }),
		family ? h('p', { class: 'notice', 'data-family-hold': '', text: t('hold.family') }) : null, box);
	s.dataset.section = 'legal-hold';
	return s;
}

// ---- subject access (checklist HUM-08) --------------------------------------
//
// A person asks what is held on them (GDPR Art. 15 and 20); an officer asks
// the API for the report (step-up: api.js confirms password and code and
// repeats the call; audited person.subject_access), then offers it as a JSON
// file (a Blob behind an <a download>, made by the officer's own click) and
// shows what the officer reads to the person: how long the record is kept,
// a legal hold, and every access to the record.  The report lives in memory
// only, while this person's page stays open for this sign-in (so that a
// language switch or a redraw after other work keeps it); leaving the page
// forgets it and revokes the file's blob: address.

let held = null; // {id, who, report, url, file}
let visits = 0; // hash changes: a report that arrives after the officer left is dropped

function forgetReport() {
	if (held) URL.revokeObjectURL(held.url);
	held = null;
}

window.addEventListener('hashchange', () => {
	visits += 1;
	forgetReport();
});

const fileSafe = (s) => String(s).replace(/[^A-Za-z0-9._-]+/g, '-');

function keptFacts(r) {
	const ret = r.retention;
	const hold = r.legal_hold;
	const until = ret && ret.kept_until ? h('time', { datetime: ret.kept_until, text: i18n.formatDate(ret.kept_until) })
		: t(ret ? 'subject.keptOpen' : 'subject.keptNone');
	const holdText = hold
		? t('subject.holdYes', { reason: i18n.label('legal_hold_reason', hold.reason), date: i18n.formatDate(hold.since) })
		: ret && ret.held ? t('subject.holdFamily') : t('subject.holdNo');
	return h('dl', { class: 'facts kept' },
		h('dt', { text: t('subject.keptUntil') }), h('dd', { 'data-kept': 'until' }, until),
		h('dt', { text: t('subject.hold') }), h('dd', { 'data-kept': 'hold', text: holdText }));
}

function accessRows(accesses) {
	return accesses.map((a) => {
		const at = Date.parse(a.at);
		return h('tr', { 'data-action': a.action, class: a.outcome === 'ok' ? null : 'refused' },
			h('th', { scope: 'row' }, h('time', { datetime: a.at, text: Number.isNaN(at) ? a.at : i18n.formatTimestamp(at / 1000) })),
			h('td', { text: a.agency ? i18n.label('agency', a.agency) : '—' }),
			h('td', { text: a.role ? i18n.label('role', a.role) : '—' }),
			h('td', { text: i18n.label('subjectAction', a.action) }),
			h('td', {}, h('span', { class: `badge outcome-${a.outcome === 'ok' ? 'ok' : 'other'}`, text: i18n.label('outcome', a.outcome) })));
	});
}

function reportView(rep) {
	const r = rep.report;
	const accesses = Array.isArray(r.accesses) ? r.accesses : [];
	const count = (x) => i18n.formatNumber(Array.isArray(x) ? x.length : 0);
	return [
		h('h3', { class: 'report-title', tabindex: '-1', text: t('subject.readyTitle', { date: i18n.formatDate(r.generated_on) }) }),
		r.erased ? h('p', { class: 'notice warn', text: t('subject.erased') }) : null,
		h('p', { class: 'download' },
			h('a', { class: 'button primary', href: rep.url, download: rep.file, 'data-download': 'subject-access',
				'aria-describedby': 'subject-file', text: t('subject.download') }),
			' ', h('span', { class: 'hint', id: 'subject-file', text: t('subject.file', { file: rep.file }) })),
		h('h4', { text: t('subject.kept') }),
		keptFacts(r),
		h('h4', { text: t('subject.contents') }),
		h('dl', { class: 'facts' },
			h('dt', { text: t('subject.services') }), h('dd', { text: count(r.services) }),
			h('dt', { text: t('subject.referrals') }), h('dd', { text: count(r.referrals) }),
			h('dt', { text: t('subject.dependants') }), h('dd', { text: count(r.dependants) })),
		h('h4', { text: t('subject.accesses') }),
		h('p', { class: 'hint', text: t('subject.accessesIntro') }),
		accesses.length
			? table(t('subject.accessesCaption', { n: i18n.formatNumber(accesses.length) }),
				[t('audit.when'), t('users.agency'), t('users.role'), t('audit.action'), t('audit.outcome')],
				accessRows(accesses), { class: 'accesses', showCaption: true })
			: h('p', { class: 'empty', text: t('subject.accessesNone') }),
	];
}

function subjectAccess(p, ctx) {
	const box = h('div', { class: 'subject-report' });
	const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'subject-access', text: t('subject.prepare'),
		onclick: async () => {
			const visit = visits;
			button.disabled = true;
			try {
				const report = await api.get(`/api/v1/persons/${encodeURIComponent(p.id)}/subject-access`);
				if (visit !== visits) return; // the officer left the page meanwhile
				forgetReport();
				const file = `subject-access-${fileSafe(p.id)}-${fileSafe(report.generated_on || i18n.todayIso())}.json`;
				const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
				held = { id: p.id, who: ctx.user, report, url: URL.createObjectURL(blob), file };
				// the page may have been drawn again meanwhile (a language switch)
				const into = box.isConnected ? box : document.querySelector('[data-section="subject-access"] .subject-report');
				if (!into) return;
				fill(into, reportView(held));
				ctx.announce(t('subject.ready'));
				into.querySelector('h3').focus();
			} catch (e) {
				ctx.announce(errorText(e), 'error');
				if (button.isConnected) button.focus();
			} finally {
				button.disabled = false;
			}
		} });
	if (held && held.id === p.id && held.who === ctx.user) fill(box, reportView(held));
	const s = section(t('subject.title'),
		h('p', { class: 'intro', text: t('subject.intro') }),
		h('p', { class: 'notice warn', 'data-subject-warning': '', text: t('subject.warning') }),
		h('p', {}, button),
		box);
	s.dataset.section = 'subject-access';
	return s;
}

function reasonForm(main, ctx, id) {
	const form = new Form({
		label: t('person.reasonTitle'),
		submit: t('person.reasonSubmit'),
		onSubmit: async (v) => {
			reasons.set(id, v.reason);
			await draw(main, ctx, id, () => true);
		},
	});
	// the server's purpose codes (policy_read_reasons): the audit entry keeps
	// the code, never free text that could name the person
	form.add(new Field({ name: 'reason', label: t('person.reason'), type: 'radios', required: true,
		options: i18n.policyList('access_reasons', 'accessReason').map((c) => ({ value: c, label: i18n.label('accessReason', c) })) }));
	fill(main, h('h1', { text: t('person.reasonTitle') }), h('p', { class: 'intro', text: t('person.reasonIntro') }),
		h('p', {}, `${t('field.id')}: `, h('code', { text: id })), h('div', { class: 'card' }, form.el));
}

async function draw(main, ctx, id, current, again = false) {
	const reason = reasons.get(id);
	const headers = reason ? { 'X-Access-Reason': reason } : undefined;
	const data = await api.get(`/api/v1/persons/${encodeURIComponent(id)}`, { headers });
	if (!current()) return;
	const fam = await api.get(`/api/v1/persons/${encodeURIComponent(id)}/children`, { headers }).catch(() => null);
	if (!current()) return;
	const p = data.person;
	const name = personName(p);
	ctx.title(name);
	const redraw = () => draw(main, ctx, id, current, true).catch((e) => ctx.announce(errorText(e), 'error'));
	const role = ctx.user.role;
	const works = WORKERS.includes(role);
	const identity = dl(p, ['given_name', 'patronymic', 'family_name', 'sex', 'birth_date', 'citizenship', 'document_number', 'document_number_masked', 'parent_id'],
		{ document_number_masked: maskedDocument(p, ctx, headers) });
	const contact = dl(p, ['phone', 'address']);
	const status = dl(p, ['status', 'identified_on', 'identification_source', 'recognized_on', 'decided_on', 'exploitation', 'country_of_exploitation']);
	const parent = p.parent ? h('p', {}, t('person.parentLink', { name: [p.parent.given_name, p.parent.family_name].filter(Boolean).join(' ') })) : null;
	fill(main,
		h('div', { class: 'page-head' },
			h('h1', {}, name, ' ', 'status' in p ? statusBadge(p.status) : null),
			h('p', { class: 'sub' }, `${t('field.id')}: `, h('code', { text: p.id }))),
		p.access_block === true && role !== 'officer' ? h('p', { class: 'notice warn', text: t('person.blocked') }) : null,
		h('div', { class: 'person-grid' },
			h('div', { class: 'col' },
				identity ? section(t('person.identity'), identity, parent) : null,
				contact ? section(t('person.contact'), contact) : null,
				status ? section(t('person.identification'), status) : null,
				'access_block' in p ? section(t('field.access_block'), blockControl(p, ctx, redraw)) : null,
				'legal_hold' in data ? legalHold(p, data.legal_hold, data.family_hold, ctx) : null,
				family(p, fam, ctx)),
			h('div', { class: 'col wide' },
				section(t('person.timeline'), timeline(data, ctx, redraw)),
				works ? h('div', { class: 'work', 'data-section': 'work' },
					h('details', { class: 'card', 'data-form': 'service' }, h('summary', {}, h('h2', { text: t('person.addService') })), serviceForm(p, ctx, redraw)),
					h('details', { class: 'card', 'data-form': 'refer' }, h('summary', {}, h('h2', { text: t('person.refer') })), referForm(p, ctx, redraw)),
					role === 'officer' && 'status' in p && p.status !== 'dependant'
						? h('details', { class: 'card', 'data-form': 'decision' }, h('summary', {}, h('h2', { text: t('person.decision') })), decisionForm(p, ctx, redraw)) : null) : null,
				role === 'officer' ? subjectAccess(p, ctx) : null)));
	// after a change the page is drawn afresh: keyboard focus returns to its
	// heading instead of falling back to the top of the document
	if (again && document.activeElement === document.body) {
		main.querySelector('h1').setAttribute('tabindex', '-1');
		main.querySelector('h1').focus();
	}
}

export async function render(main, ctx, current) {
	const id = ctx.params.id;
	// a report is another person's, or was fetched before a new sign-in
	if (held && (held.id !== id || held.who !== ctx.user)) forgetReport();
	if (ctx.user.role === 'coordinator' && !reasons.has(id)) {
		ctx.title(t('person.reasonTitle'));
		reasonForm(main, ctx, id);
		return;
	}
	await draw(main, ctx, id, current);
}
