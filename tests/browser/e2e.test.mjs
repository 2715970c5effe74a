// e2e.test.mjs - the web interface against a real server (run.sh starts it):
// the story of one person through the referral mechanism, what each agency
// may and may not see of her, both languages, an ended session, keyboard
// use, and an accessibility check and screenshot of every page.  Every
// account meets the data-protection terms at its first sign-in: signIn
// accepts them on the page; the story of the terms uses an account of its own.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	BASE, launch, newPage, signIn, acceptTerms, signOut, setLang, look, axe, screenshot, nextCode,
	staleOnce, confirmStepUp, isoDaysAgo, az, en, norm, accounts,
} from './lib.mjs';

let browser;
const story = {};
const problems = []; // accessibility violations, reported by the last test

before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

async function check(page, name) {
	problems.push(...(await look(page, name)));
	assert.deepEqual(page.errors, [], `script errors on ${name}`);
}

async function register(page, person, { checkErrors = false } = {}) {
	await page.locator('header nav a[href="#/persons/new"]').click();
	const form = page.locator('form.register');
	await form.locator('[data-field="given_name"] input').fill(person.given);
	await form.locator('[data-field="family_name"] input').fill(person.family);
	await form.locator('[data-field="birth_date"] input').fill(person.birth);
	await form.locator('.duplicates').waitFor({ state: 'attached' });
	await form.getByRole('button', { name: /Təkrarları axtar|Search for duplicates/ }).click();
	await form.locator('.duplicates .notice').waitFor();
	story.dupText = norm(await form.locator('.duplicates .notice').innerText());
	await form.locator('.duplicates button.primary').click();
	await form.locator('[data-field="sex"] input[value="female"]').check();
	await form.locator('[data-field="citizenship"] input').fill(person.citizenship);
	await form.locator('[data-field="phone"] input').fill('+994 50 000 00 00');
	if (person.exploitation) await form.locator(`[data-field="exploitation"] input[value="${person.exploitation}"]`).check();
	if (checkErrors) {
		// the importer's rules next to the fields: a country that is no code,
		// a date that does not exist
		await form.locator('[data-field="citizenship"] input').fill('AZ');
		await form.locator('[data-field="identified_on"] input').fill('31.02.2026');
		await form.locator('button[type="submit"]').click();
		await form.locator('.error-summary').waitFor();
		story.citizenshipError = norm(await form.locator('[data-field="citizenship"] .field-error').innerText());
		story.dateError = norm(await form.locator('[data-field="identified_on"] .field-error').innerText());
		assert.equal(await form.locator('[data-field="citizenship"] input').getAttribute('aria-invalid'), 'true');
		await check(page, 'register-errors-az');
		await form.locator('[data-field="citizenship"] input').fill(person.citizenship);
		await form.locator('[data-field="identified_on"] input').fill(az(isoDaysAgo(0)));
	}
	await form.locator('button[type="submit"]').click();
	await page.waitForURL(/#\/persons\/p-/);
	await page.locator('main h1').filter({ hasText: person.family }).waitFor();
	return decodeURIComponent(page.url().split('#/persons/')[1]);
}

// A referral through the form: with the person's consent, or without it on
// a ground (`reason`, a code of consent_override_reason).
async function refer(page, to, purpose, date, { reason } = {}) {
	const before = await page.locator('ol.timeline li.referral').count();
	const box = page.locator('details[data-form="refer"]');
	if ((await box.getAttribute('open')) === null) await box.locator('summary').click();
	await box.locator('[data-field="to"] select').selectOption(to);
	await box.locator('[data-field="purpose"] select').selectOption(purpose);
	if (date) await box.locator('[data-field="date"] input').fill(date);
	await box.locator(`[data-field="consent"] input[value="${reason ? 'no' : 'yes'}"]`).check();
	if (reason) await box.locator('[data-field="override_reason"] select').selectOption(reason);
	await box.locator('button[type="submit"]').click();
	// saved when the page has been drawn again with one referral more
	await page.waitForFunction((n) => document.querySelectorAll('ol.timeline li.referral').length > n, before);
}

test('sign-in page in Azerbaijani, then English; a wrong code is refused', async () => {
	const page = await newPage(browser);
	await page.goto(BASE + '/');
	await page.locator('form.signin').waitFor();
	assert.equal(await page.locator('html').getAttribute('lang'), 'az');
	assert.equal(await page.locator('main h1').innerText(), 'Sistemə giriş');
	await check(page, 'signin-az');
	await page.locator('input[name="username"]').fill('ngo_cw');
	await page.locator('input[name="password"]').fill('not the password at all');
	await page.locator('input[name="otp"]').fill('000000');
	await page.locator('form.signin button[type="submit"]').click();
	await page.locator('.form-message.error').waitFor();
	assert.equal(norm(await page.locator('.form-message.error').innerText()),
		'İstifadəçi adı, şifrə və ya birdəfəlik kod yanlışdır.');
	await check(page, 'signin-failed-az');
	await setLang(page, 'en');
	assert.equal(await page.locator('main h1').innerText(), 'Sign in');
	assert.equal(await page.locator('input[name="username"]').inputValue(), 'ngo_cw', 'typed text survives the switch');
	await check(page, 'signin-en');
	await setLang(page, 'ru');
	assert.equal(await page.locator('main h1').innerText(), 'Вход в систему');
	await check(page, 'signin-ru');
	await page.context().close();
});

test('first sign-in: the data-protection terms come first, in Azerbaijani; no record before they are accepted; asked once', async () => {
	const page = await newPage(browser);
	assert.equal(await signIn(page, 'ngo_new', { terms: false }), true, 'a new account meets the terms');
	const terms = page.locator('main .terms-page');
	const form = terms.locator('form.terms');
	const box = form.getByRole('checkbox', { name: 'Bu qaydaları oxudum və qəbul edirəm' });
	const accept = form.getByRole('button', { name: 'Qəbul et', exact: true });
	// the server's text, in the interface's language: Azerbaijani by default
	assert.equal(await page.locator('html').getAttribute('lang'), 'az');
	const textAz = await (await page.request.get(`${BASE}/api/v1/terms?lang=az`)).json();
	assert.equal(textAz.lang, 'az');
	assert.equal(await terms.locator('h1').innerText(), textAz.title);
	assert.deepEqual((await terms.locator('.terms-text p').allInnerTexts()).map(norm), textAz.paragraphs.map(norm));
	assert.equal(norm(await terms.locator('.terms-version').innerText()), `Versiya: ${textAz.version}`);
	assert.equal(await page.locator('header nav').count(), 0, 'no menu before the terms are accepted');
	await page.waitForFunction(() => document.activeElement.tagName === 'H1'); // focus on the heading
	await check(page, 'terms-az');
	// meanwhile the API gives no record, whatever the page shows
	const read = () => page.evaluate(async () => {
		const r = await fetch('/api/v1/persons?limit=1', { headers: { Accept: 'application/json' } });
		return { status: r.status, type: (await r.json()).type ?? null };
	});
	assert.deepEqual(await read(), { status: 403, type: 'https://haven.invalid/problems/terms-required' });
	// Accept without the box ticked: said beside the box, nothing sent
	const posts = [];
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/api/v1/session/terms')) posts.push(r.postDataJSON());
	});
	await accept.click();
	await form.locator('.field-error:not([hidden])').waitFor();
	assert.equal(norm(await form.locator('.field-error').innerText()),
		'Qaydaları oxuyub qəbul etdiyinizi təsdiqləmək üçün xanaya işarə qoyun.');
	assert.equal(await box.getAttribute('aria-invalid'), 'true');
	assert.equal(await page.evaluate(() => document.activeElement.name), 'accept', 'focus on the box');
	await page.waitForTimeout(300);
	assert.deepEqual(posts, [], 'nothing sent unticked');
	assert.equal(await terms.count(), 1);
	await check(page, 'terms-unticked-az');
	// the other languages: the server's text in each, the same version
	await setLang(page, 'en');
	const textEn = await (await page.request.get(`${BASE}/api/v1/terms?lang=en`)).json();
	await terms.locator('h1', { hasText: textEn.title }).waitFor();
	assert.equal(textEn.version, textAz.version);
	assert.equal(norm(await terms.locator('.terms-text p').first().innerText()), norm(textEn.paragraphs[0]));
	assert.equal(norm(await terms.locator('.terms-version').innerText()), `Version: ${textEn.version}`);
	await terms.getByRole('checkbox', { name: 'I have read and accept these terms' }).waitFor();
	await check(page, 'terms-en');
	await setLang(page, 'ru');
	const textRu = await (await page.request.get(`${BASE}/api/v1/terms?lang=ru`)).json();
	await terms.locator('h1', { hasText: textRu.title }).waitFor();
	assert.equal(norm(await terms.locator('.terms-version').innerText()), `Версия: ${textRu.version}`);
	await check(page, 'terms-ru');
	await setLang(page, 'az');
	await terms.locator('h1', { hasText: textAz.title }).waitFor();
	// the terms changed since the page was loaded (here: the version shown
	// is swapped for an old one on its way): the server refuses it, the text
	// is loaded again and the page says why; the box is to be ticked again
	await page.route('**/api/v1/session/terms', (route) =>
		route.continue({ postData: JSON.stringify({ version: '2000-01-00000000' }) }), { times: 1 });
	await box.check();
	await accept.click();
	await terms.locator('.notice.warn').waitFor();
	assert.equal(norm(await terms.locator('.notice.warn').innerText()), 'Qaydalar dəyişib. Yeni mətni oxuyun və onu yenidən qəbul edin.');
	assert.equal(await box.isChecked(), false);
	assert.deepEqual(await read(), { status: 403, type: 'https://haven.invalid/problems/terms-required' }, 'still refused');
	await check(page, 'terms-changed-az');
	// accepted: the home page, and the records open
	await box.check();
	await accept.click();
	await page.locator('header nav').waitFor();
	await page.locator('main h1', { hasText: 'QHT' }).waitFor();
	assert.deepEqual(posts.at(-1), { version: textAz.version });
	assert.equal((await read()).status, 200);
	// not asked again: neither after a reload nor at the next sign-in
	await page.reload();
	await page.locator('main h1', { hasText: 'QHT' }).waitFor();
	assert.equal(await terms.count(), 0);
	await signOut(page);
	assert.equal(await signIn(page, 'ngo_new', { goto: false, terms: false }), false, 'not asked at the next sign-in');
	assert.equal(await page.locator('main h1').innerText(), 'QHT');
	// a tab left open while the terms changed: a refusal (here one answer
	// replaced) brings the terms page back instead of an error
	await page.route('**/api/v1/persons/search', (route) => route.fulfill({ status: 403, contentType: 'application/problem+json',
		body: JSON.stringify({ type: 'https://haven.invalid/problems/terms-required', title: 'Accept the data-protection terms first', status: 403 }) }),
	{ times: 1 });
	await page.locator('input[name="name"]').fill('Məmmədova');
	await page.getByRole('button', { name: 'Axtar', exact: true }).click();
	await terms.locator('.notice.warn').waitFor();
	assert.equal(await page.locator('header nav').count(), 0);
	await acceptTerms(page);
	assert.equal(await page.locator('main h1').innerText(), 'QHT');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('keyboard only: sign in with Tab and Enter, focus is visible', async () => {
	const page = await newPage(browser);
	await page.goto(BASE + '/');
	await page.locator('form.signin').waitFor();
	await page.keyboard.type('ngo_cw');
	await page.keyboard.press('Tab');
	await page.keyboard.type((await import('./lib.mjs')).accounts.ngo_cw.password);
	await page.keyboard.press('Tab');
	await page.keyboard.type(await nextCode('ngo_cw'));
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert.equal(outline, 'solid', 'the focused field shows an outline');
	await page.keyboard.press('Enter');
	// the account's first sign-in: the terms, accepted by keyboard too (from
	// the heading, Tab reaches the box, Space ticks it, Tab and Enter accept)
	await page.locator('main .terms-page h1').waitFor();
	await page.waitForFunction(() => document.activeElement.tagName === 'H1');
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.name), 'accept');
	assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'solid', 'the box shows its focus');
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await page.locator('header nav').waitFor();
	await page.waitForFunction(() => document.activeElement.tagName === 'H1'); // after signing in, focus is on the heading
	// after loading, the skip link is the first stop and leads to the heading
	await page.reload();
	await page.locator('main h1').waitFor();
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'skip');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
	await page.context().close();
});

test('an NGO caseworker registers a potential victim (duplicates searched first) and refers her to the MIA', async () => {
	const page = await newPage(browser);
	story.ngo = page;
	await signIn(page, 'ngo_cw');
	assert.equal(await page.locator('html').getAttribute('lang'), 'az');
	assert.equal(await page.locator('main h1').innerText(), 'QHT');
	await check(page, 'home-caseworker-az');
	story.leyla = await register(page, { given: 'Leyla', family: 'Məmmədova', birth: '14.03.1999', citizenship: 'AZE', exploitation: 'labour' }, { checkErrors: true });
	assert.equal(story.dupText, 'Sizə görünən şəxslər arasında mümkün təkrar yoxdur.');
	assert.match(story.citizenshipError, /Üç böyük hərf/);
	assert.match(story.dateError, /Mövcud tarixi yazın/);
	assert.equal(norm(await page.locator('main h1 .badge').innerText()), 'potensial qurban');
	assert.match(norm(await page.locator('main').innerText()), new RegExp(`Doğum tarixi 14\\.03\\.1999`));
	// the consent question, by keyboard: Space answers, an arrow changes the
	// answer, "No" reveals the ground (required) with its warning
	const referBox = page.locator('details[data-form="refer"]');
	await referBox.locator('summary').click();
	const consent = referBox.locator('fieldset[data-field="consent"]');
	assert.equal(norm(await consent.locator('legend').innerText()), 'Şəxs bu yönləndirməyə razılıq veribmi?');
	assert.equal(await referBox.locator('[data-field="override_reason"]').isVisible(), false, 'no ground asked before "No"');
	await consent.locator('input[value="yes"]').focus();
	await page.keyboard.press('Space');
	assert.equal(await consent.locator('input[value="yes"]').isChecked(), true);
	await page.keyboard.press('ArrowDown');
	assert.equal(await consent.locator('input[value="no"]').isChecked(), true);
	await referBox.locator('[data-field="override_reason"] select').waitFor();
	assert.match(norm(await referBox.locator('.consent-warning').innerText()), /razılığı olmadan göndəriləcək.*audit jurnalına.*hər iki quruma/);
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.closest('[data-field]')?.dataset.field), 'override_reason');
	await check(page, 'person-refer-no-consent-az');
	// another language keeps the answer, and with it the ground shown
	const answeredNo = () => document.querySelector('[data-field="consent"] input[value="no"]')?.checked;
	await setLang(page, 'en');
	await page.waitForFunction(answeredNo);
	await referBox.locator('summary').click();
	await referBox.locator('[data-field="override_reason"] select').waitFor();
	assert.equal(norm(await consent.locator('legend').innerText()), 'Did the person agree to this referral?');
	await setLang(page, 'az');
	await page.waitForFunction(answeredNo);
	await referBox.locator('summary').click();
	await consent.locator('input[value="no"]').focus();
	await page.keyboard.press('ArrowUp');
	assert.equal(await consent.locator('input[value="yes"]').isChecked(), true);
	assert.equal(await referBox.locator('[data-field="override_reason"]').isVisible(), false);
	await refer(page, 'mia_ctd', 'case_management');
	await page.locator('ol.timeline li.referral').first().waitFor();
	const line = norm(await page.locator('ol.timeline li.referral').first().innerText());
	assert.match(line, new RegExp(az(isoDaysAgo(0)).replace(/\./g, '\\.')));
	assert.match(line, /QHT → DİN İnsan alverinə qarşı mübarizə baş idarəsi/);
	assert.match(line, /Şəxsin razılığı ilə/, 'a referral with consent says so quietly');
	assert.equal(await page.locator('ol.timeline .badge.no-consent').count(), 0);
	await page.locator('details[data-form="service"] summary').click();
	await check(page, 'person-caseworker-az');
	// a second person, handed over three days ago: overdue at the MIA
	story.aysel = await register(page, { given: 'Aysel', family: 'Həsənova', birth: '2001', citizenship: 'UZB' });
	await refer(page, 'mia_ctd', 'case_management', az(isoDaysAgo(3)));
	// the duplicate search now finds Leyla
	await page.locator('header nav a[href="#/persons/new"]').click();
	await page.locator('[data-field="given_name"] input').fill('Leyla');
	await page.locator('[data-field="family_name"] input').fill('Məmmədova');
	await page.getByRole('button', { name: 'Təkrarları axtar' }).click();
	await page.locator('.duplicates .notice.warn').waitFor();
	assert.match(norm(await page.locator('.duplicates').innerText()), /Mümkün təkrarlar: 1\..*Leyla Məmmədova/);
	await check(page, 'register-duplicates-az');
});

test('the session ends mid-form: sign in again in a dialog, nothing typed is lost', async () => {
	const page = story.ngo;
	await page.locator('header nav a[href="#/persons/new"]').click();
	await page.locator('[data-field="given_name"] input').fill('Nərgiz');
	await page.locator('[data-field="family_name"] input').fill('Əliyeva');
	await page.context().clearCookies(); // the session is gone, as after 30 idle minutes
	await page.getByRole('button', { name: 'Təkrarları axtar' }).click();
	const dialog = page.locator('dialog.reauth');
	await dialog.waitFor();
	assert.match(norm(await dialog.innerText()), /Sessiyanız başa çatıb.*Yazdıqlarınız saxlanılıb/);
	await check(page, 'session-ended-az');
	await dialog.locator('input[name="password"]').fill((await import('./lib.mjs')).accounts.ngo_cw.password);
	await dialog.locator('input[name="otp"]').fill(await nextCode('ngo_cw'));
	await dialog.locator('button[type="submit"]').click();
	await dialog.waitFor({ state: 'detached' });
	await page.locator('.duplicates .notice').waitFor();
	assert.equal(await page.locator('[data-field="given_name"] input').inputValue(), 'Nərgiz');
	assert.equal(await page.locator('[data-field="family_name"] input').inputValue(), 'Əliyeva');
});

test('the MIA officer (in English) sees the referrals; hands one over to the Assistance Center; recognises Leyla as a victim; records the allowance; refers her on', async () => {
	const page = await newPage(browser);
	story.mia = page;
	await page.goto(BASE + '/');
	await setLang(page, 'en');
	await signIn(page, 'mia_officer', { goto: false });
	assert.equal(await page.locator('main h1').innerText(), 'MIA Anti-Trafficking Department');
	const inbox = page.locator('section').filter({ has: page.locator('h2', { hasText: 'Referral inbox' }) });
	const rows = inbox.locator('tbody tr');
	await rows.first().waitFor();
	assert.equal(await rows.count(), 2);
	const leyla = rows.filter({ hasText: 'Leyla Məmmədova' });
	assert.equal(await inbox.locator('.badge.overdue').count(), 0, 'only hand-overs from the MIA are flagged');
	assert.match(norm(await leyla.innerText()), new RegExp(`NGO case management ${en(isoDaysAgo(0))}`));
	await check(page, 'home-officer-en');
	// Aysel: accepted, and handed over to the Assistance Center three days ago
	await rows.filter({ hasText: 'Aysel Həsənova' }).getByRole('button', { name: 'Accept the referral of Aysel Həsənova' }).click();
	await page.locator('#live').filter({ hasText: 'Referral accepted.' }).waitFor();
	await page.goto(`${BASE}/#/persons/${story.aysel}`);
	await page.locator('main h1').filter({ hasText: 'Aysel' }).waitFor();
	// handed over without her consent, on a ground: first without the ground
	// (refused beside the field, nothing sent), then with a ground the
	// server refuses once (its error beside the same field), then saved
	const posts = [];
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/api/v1/referrals')) posts.push(r.postDataJSON());
	});
	const referBox = page.locator('details[data-form="refer"]');
	const ground = referBox.locator('[data-field="override_reason"]');
	const before = await page.locator('ol.timeline li.referral').count();
	await referBox.locator('summary').click();
	await referBox.locator('[data-field="to"] select').selectOption('ssa_assistance_center');
	await referBox.locator('[data-field="purpose"] select').selectOption('shelter');
	await referBox.locator('[data-field="date"] input').fill(`${isoDaysAgo(3).split('-').reverse().join('/')}`);
	await referBox.locator('button[type="submit"]').click();
	await referBox.locator('fieldset[data-field="consent"] .field-error').waitFor();
	assert.equal(norm(await referBox.locator('fieldset[data-field="consent"] .field-error').innerText()), 'Choose whether the person agreed.');
	await referBox.getByRole('radio', { name: 'No: refer without consent' }).check();
	assert.match(norm(await referBox.locator('.consent-warning').innerText()),
		/^The referral will be sent without the person’s consent\. This is recorded in the audit log and shown to both agencies\.$/);
	await referBox.locator('button[type="submit"]').click();
	await ground.locator('.field-error:not([hidden])').waitFor();
	assert.equal(norm(await ground.locator('.field-error').innerText()), 'Choose the ground for referring without consent.');
	assert.equal(await ground.locator('select').getAttribute('aria-invalid'), 'true');
	assert.match(norm(await referBox.locator('.error-summary').innerText()), /Ground for referring without consent: Choose the ground/);
	assert.equal(await referBox.locator('fieldset[data-field="consent"] .field-error').isVisible(), false);
	await check(page, 'person-refer-no-ground-en');
	assert.deepEqual(posts, [], 'nothing is sent without a ground');
	assert.equal(await page.locator('ol.timeline li.referral').count(), before, 'nothing is saved');
	const reasonLabel = norm(await ground.locator('option[value="vital_interests"]').innerText());
	await ground.locator('select').selectOption('vital_interests');
	let strip = true; // the server's own rule: a ground is required with the override
	await page.route('**/api/v1/referrals', async (route) => {
		if (!strip || route.request().method() !== 'POST') return route.continue();
		strip = false;
		const { override_reason: _, ...body } = route.request().postDataJSON();
		return route.continue({ postData: JSON.stringify(body) });
	});
	await referBox.locator('button[type="submit"]').click();
	await referBox.locator('.error-summary:not([hidden])').waitFor();
	assert.equal(await ground.locator('.field-error').isVisible(), true, 'the API\'s refusal beside the ground');
	assert.equal(await page.locator('ol.timeline li.referral').count(), before, 'the server refused it');
	await page.unroute('**/api/v1/referrals');
	await referBox.locator('button[type="submit"]').click();
	await page.waitForFunction((n) => document.querySelectorAll('ol.timeline li.referral').length > n, before);
	assert.deepEqual(posts.at(-1), { person_id: story.aysel, to: 'ssa_assistance_center', purpose: 'shelter',
		date: isoDaysAgo(3), consent: false, consent_override: true, override_reason: 'vital_interests' });
	const handover = page.locator('ol.timeline li.referral', { hasText: 'Assistance Center' });
	await handover.waitFor();
	assert.equal(norm(await handover.locator('.badge.no-consent').innerText()), `Sent without consent: ${reasonLabel}`);
	await check(page, 'person-no-consent-en');
	story.overrideLabel = reasonLabel;
	await page.locator('header nav a[href="#/"]').click();
	await leyla.getByRole('button', { name: 'Accept the referral of Leyla Məmmədova' }).click();
	await page.locator('#live').filter({ hasText: 'Referral accepted.' }).waitFor();
	await page.locator('a', { hasText: 'Leyla Məmmədova' }).first().click();
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const decision = page.locator('details[data-form="decision"]');
	await decision.locator('summary').click();
	await check(page, 'person-officer-decision-en');
	await decision.locator('input[value="victim"]').check();
	await decision.locator('button[type="submit"]').click();
	await page.locator('main h1 .badge', { hasText: /^victim$/ }).waitFor();
	assert.equal(norm(await page.locator('main h1 .badge').innerText()), 'victim');
	const service = page.locator('details[data-form="service"]');
	await service.locator('summary').click();
	await service.locator('[data-field="service"] select').selectOption('one_time_allowance');
	await service.locator('[data-field="amount"] input').fill('700');
	await service.locator('button[type="submit"]').click();
	await page.locator('ol.timeline li.service', { hasText: 'one-time allowance' }).waitFor();
	assert.match(norm(await page.locator('ol.timeline li.service').first().innerText()), /700\.00 AZN/);
	await refer(page, 'ssa_assistance_center', 'psychological_support');
	await refer(page, 'state_employment_agency', 'vocational_training');
	await page.locator('ol.timeline li.referral', { hasText: 'State Employment Agency' }).waitFor();
	await check(page, 'person-officer-en');
	// Azerbaijani: the same page
	await setLang(page, 'az');
	await page.locator('main h1 .badge', { hasText: /^qurban$/ }).waitFor();
	assert.match(norm(await page.locator('ol.timeline').innerText()), /700,00 AZN/);
	await check(page, 'person-officer-az');
	await setLang(page, 'en');
});

test('the officer registers Leyla\'s daughter: the family shows on both pages; a document number is masked until shown', async () => {
	const page = story.mia;
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	await page.getByRole('link', { name: 'Register a child of this person' }).click();
	const form = page.locator('form.register');
	await form.locator('[data-field="given_name"] input').fill('Aylin');
	await form.locator('[data-field="family_name"] input').fill('Məmmədova');
	await form.locator('[data-field="birth_date"] input').fill('05/06/2019');
	await form.getByRole('button', { name: 'Search for duplicates' }).click();
	await form.locator('.duplicates button.primary').click();
	await form.locator('[data-field="sex"] input[value="female"]').check();
	await form.locator('[data-field="document_number"] input').fill('AB 7654321');
	assert.equal(await form.locator('[data-field="parent_id"] input').inputValue(), story.leyla);
	await form.locator('button[type="submit"]').click();
	await page.locator('main h1').filter({ hasText: 'Aylin' }).waitFor();
	story.aylin = decodeURIComponent(page.url().split('#/persons/')[1]);
	const fam = page.locator('section').filter({ has: page.locator('h2', { hasText: 'Family' }) });
	await fam.locator('.parent-of a', { hasText: 'Leyla Məmmədova' }).waitFor();
	// the number is masked; Show asks the API for it (audited).  While the
	// server sends the whole number (before masking, issue #6's lead work),
	// the page shows it as sent.
	const doc = page.locator('.reveal');
	if (await doc.count()) {
		assert.doesNotMatch(norm(await doc.innerText()), /7654/);
		assert.match(norm(await doc.innerText()), /321/);
		await check(page, 'person-child-en');
		await doc.getByRole('button', { name: 'Show the whole document number of Aylin Məmmədova' }).click();
		await page.locator('code.docnum.revealed').waitFor();
		assert.match(norm(await page.locator('code.docnum').innerText()), /7654321/);
		await check(page, 'person-child-revealed-en');
	} else {
		assert.match(norm(await page.locator('main').innerText()), /AB 7654321/);
		await check(page, 'person-child-en');
	}
	await fam.locator('.parent-of a').click();
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	await page.locator('ul.children li', { hasText: 'Aylin Məmmədova' }).waitFor();
	assert.match(norm(await page.locator('ul.children').innerText()), /Aylin Məmmədova · Date of birth 5 Jun 2019 dependant/);
	await check(page, 'person-family-en');
	await setLang(page, 'az');
	await page.locator('h2', { hasText: 'Ailə' }).waitFor();
	assert.match(norm(await page.locator('ul.children').innerText()), /Doğum tarixi 05\.06\.2019/);
	await check(page, 'person-family-az');
	await setLang(page, 'ru');
	await page.locator('h2', { hasText: 'Семья' }).waitFor();
	assert.match(norm(await page.locator('ul.children').innerText()), /Дата рождения 05\.06\.2019 иждивенец/);
	assert.match(norm(await page.locator('ol.timeline').innerText()), /700,00 AZN/);
	await check(page, 'person-family-ru');
	await setLang(page, 'en');
});

test('the Assistance Center accepts the referral and records psychological support', async () => {
	const page = await newPage(browser);
	await signIn(page, 'ssa_cw');
	assert.equal(await page.locator('main h1').innerText(), 'Yardım Mərkəzi (Sosial Xidmətlər Agentliyi)');
	const row = page.locator('tr[data-referral]', { hasText: 'Leyla Məmmədova' });
	await row.waitFor();
	assert.match(norm(await row.innerText()), /DİN İnsan alverinə qarşı mübarizə baş idarəsi.*psixoloji dəstək/);
	assert.equal(await row.locator('.badge.overdue').count(), 0);
	const old = page.locator('tr[data-referral]', { hasText: 'Aysel Həsənova' });
	assert.equal(await old.locator('.badge.overdue').count(), 1, 'an MIA hand-over of three days ago is overdue');
	// sent without her consent: the receiving agency knows before it contacts her
	const codes = await (await page.request.get(`${BASE}/api/v1/codes`)).json();
	const ground = codes.codes.consent_override_reason.find((c) => c.code === 'vital_interests');
	assert.equal(norm(await old.locator('.badge.no-consent').innerText()), `Razılıq olmadan göndərilib: ${norm(ground.az)}`);
	assert.equal(await row.locator('.badge.no-consent').count(), 0, 'Leyla agreed to hers');
	assert.match(norm(await page.locator('main').innerText()), /1 gecikən/);
	await check(page, 'home-ssa-az');
	await row.getByRole('button', { name: /qəbul et/ }).click();
	await page.locator('#live', { hasText: 'Yönləndirmə qəbul edildi.' }).waitFor();
	const progress = page.locator('tr[data-referral]', { hasText: 'Leyla Məmmədova' });
	await progress.getByRole('button', { name: /tamamla/ }).waitFor();
	await progress.locator('a').click();
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const service = page.locator('details[data-form="service"]');
	await service.locator('summary').click();
	await service.locator('[data-field="service"] select').selectOption('psychological_support');
	await service.locator('[data-field="note"] textarea').fill('İlk görüş: ağır stres, həftədə bir seans.');
	await service.locator('button[type="submit"]').click();
	await page.locator('ol.timeline li.service', { hasText: 'psixoloji dəstək' }).waitFor();
	assert.match(norm(await page.locator('ol.timeline li.service').innerText()), /İlk görüş: ağır stres/);
	// the allowance the MIA recorded is not the Assistance Center's to see
	assert.doesNotMatch(norm(await page.locator('ol.timeline').innerText()), /müavinət/);
	await check(page, 'person-ssa-az');
	await page.context().close();
});

test('another agency\'s caseworker cannot find her', async () => {
	const page = await newPage(browser);
	await signIn(page, 'shelter_cw');
	await page.locator('input[name="name"]').fill('Məmmədova');
	await page.getByRole('button', { name: 'Axtar', exact: true }).click();
	await page.locator('main p.empty', { hasText: 'Şəxs tapılmadı.' }).waitFor();
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('main .notice.error').waitFor();
	assert.equal(norm(await page.locator('main .notice.error').innerText()), 'Belə qeyd yoxdur və ya sizə görünmür.');
	assert.doesNotMatch(norm(await page.locator('main').innerText()), /Leyla/);
	await check(page, 'person-not-found-az');
	await page.context().close();
});

test('the State Employment Agency sees her referral but not her victim status', async () => {
	const page = await newPage(browser);
	await page.goto(BASE + '/');
	await setLang(page, 'en');
	await signIn(page, 'sea_cw', { goto: false });
	const row = page.locator('tr[data-referral]', { hasText: 'Leyla Məmmədova' });
	await row.waitFor();
	assert.match(norm(await row.innerText()), /vocational training/);
	await row.locator('a').click();
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const text = norm(await page.locator('main').innerText());
	assert.doesNotMatch(text, /victim|Status|Recognised|exploitation|allowance|psychological/i);
	assert.equal(await page.locator('[class*="status-"]').count(), 0);
	assert.match(text, /Referral from MIA Anti-Trafficking Department to State Employment Agency/);
	await check(page, 'person-sea-en');
	await page.context().close();
});

test('subject access: the officer prepares Leyla\'s report, downloads it and reads the accesses; a caseworker has no such button', async () => {
	const page = story.mia;
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const box = page.locator('[data-section="subject-access"]');
	await box.locator('h2', { hasText: 'Subject access report' }).waitFor();
	assert.match(norm(await box.locator('[data-subject-warning]').innerText()), /data in clear.*for the person themselves only/);
	assert.equal(await box.locator('.subject-report a[download]').count(), 0, 'nothing fetched before asking');
	// the report needs a recent sign-in (step-up): the server's five
	// minutes cannot pass here, so its first answer is held as too old once,
	// as the administrator's test does; the officer confirms password and
	// code and the real report follows
	await staleOnce(page, '**/api/v1/persons/*/subject-access');
	await box.getByRole('button', { name: 'Prepare the report' }).click();
	await confirmStepUp(page, 'mia_officer');
	await page.unroute('**/api/v1/persons/*/subject-access');
	const title = box.locator('.subject-report h3');
	await title.waitFor();
	await page.waitForFunction(() => document.activeElement?.matches('.subject-report h3'));
	await page.locator('#live', { hasText: 'The subject access report is ready.' }).waitFor();
	// the file: a blob: download under the interface's Content-Security-Policy
	const link = box.getByRole('link', { name: 'Download the report (JSON)' });
	const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
	const name = download.suggestedFilename();
	assert.match(name, new RegExp(`^subject-access-${story.leyla}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
	assert.equal(await download.failure(), null);
	const chunks = [];
	for await (const c of await download.createReadStream()) chunks.push(c);
	const text = Buffer.concat(chunks).toString('utf8');
	const report = JSON.parse(text);
	assert.equal(report.person.id, story.leyla);
	assert.equal(report.person.given_name, 'Leyla');
	assert.ok(report.accesses.some((a) => a.action === 'person.read'), 'the reads of her record are listed');
	assert.doesNotMatch(text, /mia_officer|ngo_cw|ssa_cw|sea_cw/, 'no staff names');
	assert.ok(name.endsWith(`-${report.generated_on}.json`));
	// the summary: how long the record is kept, and the accesses as a table
	const kept = box.locator('dl.kept');
	assert.match(norm(await kept.locator('[data-kept="until"]').innerText()), /^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
	assert.equal(norm(await kept.locator('[data-kept="hold"]').innerText()), 'No');
	const table = box.locator('table.accesses');
	assert.equal(norm(await table.locator('caption').innerText()), `Accesses to the record (${report.accesses.length})`);
	assert.deepEqual((await table.locator('thead th').allInnerTexts()).map(norm), ['When', 'Agency', 'Role', 'Action', 'Outcome']);
	const rows = table.locator('tbody tr');
	assert.ok((await rows.count()) >= 1, 'at least one access');
	assert.equal(await rows.count(), report.accesses.length);
	const read = rows.filter({ has: page.locator('td', { hasText: 'opened the record' }) }).first();
	assert.match(norm(await read.innerText()), /opened the record done/);
	assert.ok((await table.locator('tbody tr[data-action="person.read"]', { hasText: 'State Employment Agency' }).count()) >= 1,
		'the State Employment Agency\'s read is listed under its name');
	await check(page, 'person-subject-access-en');
	// Azerbaijani, the users' language: the same report, drawn again
	await setLang(page, 'az');
	await box.locator('h2', { hasText: 'Şəxsin məlumat sorğusu üzrə hesabat' }).waitFor();
	assert.equal(norm(await kept.locator('[data-kept="hold"]').innerText()), 'Xeyr');
	assert.match(norm(await kept.locator('[data-kept="until"]').innerText()), /^\d{2}\.\d{2}\.\d{4}$/);
	assert.ok((await table.locator('tbody tr', { hasText: 'qeydi açdı' }).count()) >= 1);
	assert.match(norm(await box.locator('[data-subject-warning]').innerText()), /yalnız şəxsin özü üçündür/);
	await check(page, 'person-subject-access-az');
	// a legal hold: its reason from the code list legal_hold_reason (the
	// server's label; added here to the server's answer, so that the report's
	// wording is seen without holding Leyla's record: the legal-hold story
	// places and lifts a real one)
	const codes = await (await page.request.get(`${BASE}/api/v1/codes`)).json();
	const court = codes.codes.legal_hold_reason.find((c) => c.code === 'court_order');
	let second = null;
	await page.route('**/api/v1/persons/*/subject-access', async (route) => {
		const res = await route.fetch();
		const body = await res.json();
		second = structuredClone(body);
		body.legal_hold = { reason: 'court_order', since: body.generated_on };
		body.retention = { ...body.retention, held: true };
		await route.fulfill({ response: res, json: body });
	});
	await box.getByRole('button', { name: 'Hesabatı hazırla' }).click();
	await kept.locator('[data-kept="hold"]', { hasText: court.az }).waitFor();
	assert.match(norm(await kept.locator('[data-kept="hold"]').innerText()), new RegExp(`^Bəli: ${court.az}, \\d{2}\\.\\d{2}\\.\\d{4} tarixindən`));
	await page.unroute('**/api/v1/persons/*/subject-access');
	assert.ok(second.accesses.some((a) => a.action === 'person.subject_access' && a.agency === 'mia_ctd'),
		'the next report lists the one prepared before');
	await setLang(page, 'ru');
	await box.locator('h2', { hasText: 'Отчёт по запросу субъекта данных' }).waitFor();
	assert.match(norm(await kept.locator('[data-kept="hold"]').innerText()), /^Да: решение суда, с \d{2}\.\d{2}\.\d{4}/);
	await check(page, 'person-subject-access-ru');
	await setLang(page, 'en');
	// leaving the page forgets the report
	await page.locator('header nav a[href="#/"]').click();
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await box.waitFor();
	assert.equal(await box.locator('.subject-report *').count(), 0, 'the report is not kept after leaving the page');
	// a caseworker's person page has no such section
	const ngo = story.ngo;
	await ngo.goto(`${BASE}/#/persons/${story.leyla}`);
	await ngo.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	await ngo.locator('ol.timeline').waitFor();
	assert.equal(await ngo.locator('[data-section="subject-access"]').count(), 0);
	assert.equal(await ngo.getByRole('button', { name: 'Hesabatı hazırla' }).count(), 0);
});

// Checklist HUM-11: a hold keeps the record past its retention period.
test('legal hold: the officer places one on Leyla\'s record with a reason, sees it after a reload, lifts it after confirming; a caseworker has no such section', async () => {
	const page = story.mia;
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const box = page.locator('[data-section="legal-hold"]');
	await box.locator('h2', { hasText: 'Legal hold' }).waitFor();
	assert.match(norm(await box.locator('.intro').innerText()), /after the retention period ends.*a court, an investigation/);
	assert.equal(norm(await box.locator('[data-hold]').innerText()), 'There is no legal hold on this record.');
	// the reason is required, and said so beside the select before anything is sent
	const place = box.getByRole('button', { name: 'Place a legal hold' });
	await place.click();
	const error = box.locator('[data-field="reason"] .field-error');
	await error.waitFor();
	assert.equal(norm(await error.innerText()), 'Choose the reason for the hold.');
	assert.equal(await box.getByLabel('Reason for the hold').getAttribute('aria-invalid'), 'true');
	await check(page, 'person-legal-hold-form-en');
	// the hold needs a recent sign-in (step-up): its first answer is held as
	// too old once, as for the subject access report; the real one follows
	await staleOnce(page, '**/api/v1/persons/*/legal-hold');
	await box.getByLabel('Reason for the hold').selectOption('court_order');
	await place.click();
	await confirmStepUp(page, 'mia_officer');
	await page.unroute('**/api/v1/persons/*/legal-hold');
	// shown from the answer: the reason's label (code list legal_hold_reason) and the day
	const codes = await (await page.request.get(`${BASE}/api/v1/codes`)).json();
	const court = codes.codes.legal_hold_reason.find((c) => c.code === 'court_order');
	const today = new Date().toISOString().slice(0, 10); // the server's day (UTC)
	const held = box.locator('[data-hold="held"]');
	await held.waitFor();
	assert.equal(norm(await held.innerText()),
		`Under a legal hold: ${court.en}, since ${en(today)}. The record is kept until the hold is lifted.`);
	await page.locator('#live', { hasText: 'Legal hold placed' }).waitFor();
	await page.waitForFunction(() => document.activeElement?.matches('[data-hold="held"]'));
	await check(page, 'person-legal-hold-en');
	// kept by the server: a reload shows it again, and in Azerbaijani
	await page.reload();
	await held.waitFor();
	await setLang(page, 'az');
	await box.locator('h2', { hasText: 'Hüquqi saxlama' }).waitFor();
	assert.equal(norm(await held.innerText()),
		`Hüquqi saxlama qoyulub: ${court.az}, ${az(today)} tarixindən. Qeyd saxlama götürülənədək saxlanılır.`);
	await check(page, 'person-legal-hold-az');
	await setLang(page, 'en');
	await held.waitFor();
	// her daughter's record is kept by the same hold: Aylin's page says so
	await page.goto(`${BASE}/#/persons/${story.aylin}`);
	await page.locator('main h1').filter({ hasText: 'Aylin' }).waitFor();
	const family = box.locator('[data-family-hold]');
	await family.waitFor();
	assert.match(norm(await family.innerText()), /another member of the family keeps this record too/);
	assert.equal(norm(await box.locator('[data-hold]').innerText()), 'There is no legal hold on this record.');
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	await held.waitFor();
	assert.equal(await box.locator('[data-family-hold]').count(), 0);
	// lifting, by keyboard: a confirmation first (Cancel keeps the hold)
	await box.getByRole('button', { name: 'Lift the legal hold' }).focus();
	await page.keyboard.press('Enter');
	const confirm = box.locator('[role="alert"]');
	await confirm.waitFor();
	assert.match(norm(await confirm.innerText()), /^Lift the legal hold\? .*erased as soon as its retention period has ended/);
	await page.waitForFunction(() => document.activeElement?.dataset.action === 'hold-lift-yes');
	await check(page, 'person-legal-hold-lift-en');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter'); // Cancel
	await page.waitForFunction(() => document.activeElement?.dataset.action === 'hold-lift');
	assert.equal(await confirm.count(), 0);
	assert.equal(await held.count(), 1, 'Cancel keeps the hold');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.activeElement?.dataset.action === 'hold-lift-yes');
	await page.keyboard.press('Enter'); // Yes, lift the hold
	const none = box.locator('[data-hold="none"]');
	await none.waitFor();
	await page.locator('#live', { hasText: 'Legal hold lifted.' }).waitFor();
	await page.waitForFunction(() => document.activeElement?.matches('[data-hold="none"]'));
	assert.equal(await box.getByLabel('Reason for the hold').count(), 1, 'the form to place one is back');
	await page.reload();
	await none.waitFor();
	// a caseworker who sees Leyla gets neither the section nor the member
	const ngo = story.ngo;
	await ngo.goto(`${BASE}/#/persons/${story.leyla}`);
	await ngo.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	await ngo.locator('ol.timeline').waitFor();
	assert.equal(await ngo.locator('[data-section="legal-hold"]').count(), 0);
	assert.equal(await ngo.getByRole('heading', { name: /Hüquqi saxlama|Legal hold/ }).count(), 0);
	const read = await (await ngo.request.get(`${BASE}/api/v1/persons/${story.leyla}`)).json();
	assert.equal(read.person.id, story.leyla);
	assert.ok(!('legal_hold' in read), 'no legal_hold member for a caseworker');
});

test('the coordinator\'s dashboard shows the new figures, in both languages, with downloads', async () => {
	const page = await newPage(browser);
	await signIn(page, 'coord');
	await page.locator('ul.kpis').waitFor();
	const kpi = async (id) => norm(await page.locator(`li.kpi[data-indicator="${id}"] .kpi-value`).innerText());
	assert.equal(await kpi('victims_identified'), '1');
	assert.equal(await kpi('allowance_recipients'), '1');
	assert.equal(await kpi('allowance_total'), '700,00 AZN');
	assert.equal(await kpi('assistance_center_referrals'), '2', 'Leyla and Aysel');
	assert.equal(await kpi('assistance_center_psychological'), '1');
	assert.match(norm(await page.locator('li.kpi[data-indicator="victims_identified"]').innerText()), /ötən illə müqayisədə 1 çox/);
	assert.ok((await page.locator('.narrative p').count()) > 0, 'the narrative is shown');
	await check(page, 'dashboard-az');
	const pdf = page.locator('ul.downloads a[href*="format=pdf"][hreflang="az"]');
	const res = await page.request.get(BASE + (await pdf.getAttribute('href')));
	assert.equal(res.status(), 200);
	assert.match(res.headers()['content-type'], /application\/pdf/);
	await setLang(page, 'en');
	await page.locator('ul.kpis').waitFor();
	assert.equal(await kpi('allowance_total'), '700.00 AZN');
	assert.match(norm(await page.locator('li.kpi[data-indicator="victims_identified"]').innerText()), /1 more than in/);
	await check(page, 'dashboard-en');
	// one record with a stated reason
	await page.locator('input[name="id"]').fill(story.leyla);
	await page.getByRole('button', { name: 'Open', exact: true }).click();
	await page.getByRole('radio', { name: 'Checking a figure of a report' }).check();
	await check(page, 'coordinator-reason-en');
	await page.getByRole('button', { name: 'Open the record' }).click();
	await page.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	assert.equal(await page.locator('details[data-form]').count(), 0, 'a coordinator records nothing');
	await check(page, 'person-coordinator-en');
	await page.context().close();
});

test('an analyst sees the same dashboard with small figures hidden, and no record lookup', async () => {
	const page = await newPage(browser);
	await signIn(page, 'analyst');
	await page.locator('ul.kpis').waitFor();
	assert.equal(norm(await page.locator('li.kpi[data-indicator="victims_identified"] .kpi-value').innerText()), '5-dən az');
	assert.match(norm(await page.locator('main').innerText()), /heç kəsin tanınmaması üçün/);
	assert.equal(await page.locator('input[name="id"]').count(), 0);
	await check(page, 'dashboard-analyst-az');
	await page.context().close();
});

test('the administrator lists the users; the auditor\'s page; language remembered per user', async () => {
	const page = await newPage(browser);
	await signIn(page, 'admin');
	await page.locator('table tbody tr').first().waitFor();
	assert.match(norm(await page.locator('main table').first().innerText()), /mia_officer DİN əməkdaşı/);
	await check(page, 'users-az');
	await setLang(page, 'en');
	await check(page, 'users-en');
	await signOut(page);
	await signIn(page, 'auditor', { goto: false });
	assert.equal(await page.locator('main h1').innerText(), 'Audit log');
	await check(page, 'audit-en');
	await setLang(page, 'az');
	await check(page, 'audit-az');
	await signOut(page);
	await signIn(page, 'admin', { goto: false });
	assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the admin chose English');
	await page.context().close();
});

test('the coordinator approves the year\'s report; a later change shows as a restatement', async () => {
	const page = await newPage(browser);
	await signIn(page, 'coord');
	const year = isoDaysAgo(0).slice(0, 4);
	await page.locator('header nav a[href="#/report"]').click();
	await page.locator('main form.inline select').selectOption(year);
	await page.locator('main form.inline button[type="submit"]').click();
	await page.locator('main h1', { hasText: `${year} illik hesabatı` }).waitFor();
	assert.match(norm(await page.locator('main').innerText()), /Hələ təsdiqlənməyib|təsdiqlənməyib/);
	await check(page, 'report-live-az');
	await page.getByRole('button', { name: `${year} hesabatını təsdiqlə və dondur` }).click();
	await page.locator('.freeze .notice.warn').waitFor();
	await check(page, 'report-confirm-az');
	await page.getByRole('button', { name: `Bəli, ${year} hesabatını təsdiqlə` }).click();
	await page.locator('dl.approval code.hash').waitFor();
	assert.match(await page.locator('dl.approval code.hash').innerText(), /^[0-9a-f]{64}$/);
	assert.equal(await page.locator('.freeze').count(), 0, 'approved once: no second approval offered');
	await check(page, 'report-approved-az');
	// the MIA records a second allowance for Leyla after the approval
	const mia = story.mia;
	await mia.goto(`${BASE}/#/persons/${story.leyla}`);
	await mia.locator('main h1').filter({ hasText: 'Leyla' }).waitFor();
	const service = mia.locator('details[data-form="service"]');
	await service.locator('summary').click();
	await service.locator('[data-field="service"] select').selectOption('one_time_allowance');
	await service.locator('[data-field="amount"] input').fill('300');
	await service.locator('button[type="submit"]').click();
	await mia.locator('ol.timeline li.service', { hasText: '300.00 AZN' }).waitFor();
	await page.reload();
	const restated = page.locator('table').filter({ has: page.locator('caption', { hasText: 'düzəliş' }) });
	await page.locator('dl.approval').waitFor();
	const text = norm(await page.locator('main').innerText());
	assert.match(text, /700,00 AZN\s+1 000,00 AZN/);
	await check(page, 'report-restated-az');
	await setLang(page, 'en');
	await page.locator('main h1', { hasText: `Annual report ${year}` }).waitFor();
	assert.match(norm(await page.locator('main').innerText()), /700\.00 AZN 1,000\.00 AZN/);
	await check(page, 'report-restated-en');
	await setLang(page, 'ru');
	await page.locator('main h1', { hasText: `Годовой отчёт за ${year}` }).waitFor();
	assert.match(norm(await page.locator('main').innerText()), /700,00 AZN 1 000,00 AZN/);
	await check(page, 'report-restated-ru');
	void restated;
	await page.context().close();
});

test('administration: a user added with a reset code sets her own password; a reload keeps working; a stale authentication asks again', async () => {
	const page = await newPage(browser);
	await signIn(page, 'admin');
	await setLang(page, 'az');
	await page.locator('main h1', { hasText: 'İnzibatçılıq' }).waitFor();
	await page.locator('details.codes').first().waitFor();
	await check(page, 'admin-az');
	// the server holds the administrator's sign-in as too old for this once
	await staleOnce(page, '**/api/v1/users', 'POST');
	const add = page.locator('form.add-user');
	await add.locator('[data-field="username"] input').fill('nigar.ngo');
	await add.locator('[data-field="role"] select').selectOption('caseworker');
	await add.locator('[data-field="agency"] select').selectOption('ngo');
	await add.locator('button[type="submit"]').click();
	const dialog = page.locator('dialog.reauth.stepup');
	await dialog.waitFor();
	assert.match(norm(await dialog.innerText()), /Şəxsiyyətinizi təsdiqləyin/);
	await check(page, 'stepup-az');
	await confirmStepUp(page, 'admin');
	const secrets = page.locator('.secrets[data-secrets="nigar.ngo"]');
	await secrets.waitFor();
	const code = await secrets.locator('code.code').innerText();
	const uri = await secrets.locator('code.uri').innerText();
	assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	accounts['nigar.ngo'] = { password: 'Dəniz kənarında səhər yeməyi 2026', secret: /secret=([A-Z2-7]+)/.exec(uri)[1] };
	assert.match(norm(await page.locator('tr[data-user="nigar.ngo"]').innerText()), /nigar\.ngo QHT işçisi|nigar\.ngo/);
	// a new account has not seen the data-protection terms yet
	assert.equal(await page.locator('tr[data-user="nigar.ngo"] [data-terms]').getAttribute('data-terms'), 'no');
	assert.equal(await page.locator('tr[data-user="admin"] [data-terms]').getAttribute('data-terms'), 'yes');
	assert.equal(await page.locator('.secrets svg.qr path').count(), 1, 'the set-up address as a QR code');
	await check(page, 'admin-secrets-az');

	// she sets her own password with the code, then signs in
	const her = await newPage(browser);
	await her.goto(`${BASE}/#/reset`);
	await her.locator('form.reset').waitFor();
	await check(her, 'reset-az');
	const f = her.locator('form.reset');
	await f.locator('[data-field="username"] input').fill('nigar.ngo');
	await f.locator('[data-field="code"] input').fill(code);
	await f.locator('[data-field="new_password"] input').fill(accounts['nigar.ngo'].password);
	await f.locator('[data-field="repeat"] input').fill('something else entirely');
	await f.locator('button[type="submit"]').click();
	await f.locator('[data-field="repeat"] .field-error').waitFor();
	await f.locator('[data-field="repeat"] input').fill(accounts['nigar.ngo'].password);
	await f.locator('[data-field="otp"] input').fill(await nextCode('nigar.ngo'));
	await f.locator('button[type="submit"]').click();
	await her.locator('form.signin').waitFor();
	assert.match(norm(await her.locator('main .notice').innerText()), /Yeni şifrəniz təyin edildi/);
	await setLang(her, 'en');
	await her.getByRole('link', { name: 'I have a password reset code' }).click();
	await her.locator('form.reset').waitFor();
	await check(her, 'reset-en');
	await her.getByRole('link', { name: 'Back to sign-in' }).click();
	await signIn(her, 'nigar.ngo', { goto: false });
	assert.equal(await her.locator('main h1').innerText(), 'NGO');
	// she is told what others did to her account (ASVS-06: user notified)
	const notice = her.locator('section.notice.account');
	assert.match(norm(await notice.innerText()), /Since you last signed in[\s\S]*Your password was reset, by admin/);
	await check(her, 'account-notice-en');
	await notice.getByRole('button', { name: 'Understood' }).click();
	assert.equal(await notice.count(), 0);

	// a reload without the tab's stored token: GET /api/v1/session gives it again
	await page.evaluate(() => sessionStorage.clear());
	await page.reload();
	const row = page.locator('tr[data-user="nigar.ngo"]');
	await row.getByRole('button', { name: 'nigar.ngo hesabını deaktiv et' }).click();
	await page.locator('tr[data-user="nigar.ngo"] .badge.off').waitFor();
	assert.equal(await page.locator('dialog.reauth').count(), 0, 'no sign-in asked after the reload');
	// her session ended with the change
	await her.reload();
	await her.locator('form.signin').waitFor();
	await setLang(page, 'en');
	await page.locator('main h1', { hasText: 'Administration' }).waitFor();
	await page.locator('details[data-form="change-user"] summary').click();
	await check(page, 'admin-en');
	// a service of the deployment's own: the forms offer it at once
	await page.locator('details[data-form="add-code"] summary').click();
	const cf = page.locator('form.add-code');
	await cf.locator('select[name="list"]').selectOption('service');
	await cf.locator('[data-field="code"] input').fill('art_therapy');
	await cf.locator('[data-field="az"] input').fill('İncəsənət terapiyası');
	await cf.locator('[data-field="en"] input').fill('Art therapy');
	await check(page, 'admin-add-code-en');
	await cf.locator('button[type="submit"]').click();
	await page.locator('details[data-list="service"] code', { hasText: 'art_therapy' }).waitFor({ state: 'attached' });
	assert.match(norm(await page.locator('#live').innerText()), /art_therapy is added/);
	// a step-up the administrator cancels: nothing is done, and she is told so
	await staleOnce(page, '**/api/v1/users/nigar.ngo/reset');
	await row.getByRole('button', { name: 'Reset password: nigar.ngo' }).click();
	await dialog.waitFor();
	assert.match(norm(await dialog.innerText()), /Confirm it is you/);
	await check(page, 'stepup-en');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await dialog.waitFor({ state: 'detached' });
	await page.locator('#live', { hasText: 'Not done: this action needs your password and one-time code again.' }).waitFor();
	assert.equal(await page.locator('.secrets').count(), 0);
	await row.getByRole('button', { name: 'Reset password: nigar.ngo' }).click();
	await page.locator('.secrets[data-secrets="nigar.ngo"] code.code').waitFor();
	assert.equal(await page.locator('.secrets code.uri').count(), 0, 'a reset makes no new authenticator key');
	await check(page, 'admin-secrets-en');
	await her.context().close();
	await page.context().close();
});

test('the auditor reads the log and verifies its chain', async () => {
	const page = await newPage(browser);
	await signIn(page, 'auditor');
	await setLang(page, 'az');
	const rows = page.locator('main table tbody tr');
	await rows.first().waitFor();
	assert.equal(await rows.count(), 50);
	const text = norm(await page.locator('main table').innerText());
	assert.match(text, /person\.read/);
	assert.doesNotMatch(text, /Leyla|Məmmədova|7654321/, 'no personal data in the log');
	await page.getByRole('button', { name: 'Daha köhnə qeydləri göstər' }).click();
	await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length > 50);
	// a breach inquiry: one person's reads today, then nothing from tomorrow on
	const read = rows.filter({ has: page.locator('td:nth-of-type(5)', { hasText: 'person.read' }) }).first();
	const actor = norm(await read.locator('th').innerText());
	await page.getByLabel('Kim').fill(actor);
	await page.getByLabel('Əməliyyat').fill('person.read');
	await page.getByRole('button', { name: 'Uyğun qeydləri göstər' }).click();
	await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length <= 50);
	const actors = await rows.locator('th').allInnerTexts();
	const actions = await rows.locator('td:nth-of-type(5)').allInnerTexts();
	assert.ok(actors.length > 0, 'the filter finds the reads');
	assert.ok(actors.every((a) => norm(a) === actor), 'only that person');
	assert.ok(actions.every((a) => a.trim() === 'person.read'), 'only reads');
	await check(page, 'audit-filtered-az');
	await page.getByLabel('Başlanğıc (gün)').fill('31.12.2099');
	await page.getByRole('button', { name: 'Uyğun qeydləri göstər' }).click();
	await page.locator('main .field-error:not([hidden])').first().waitFor();
	await page.getByLabel('Başlanğıc (gün)').fill('');
	await page.getByLabel('Kim').fill('');
	await page.getByLabel('Əməliyyat').fill('');
	await page.getByRole('button', { name: 'Uyğun qeydləri göstər' }).click();
	await page.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 50);
	await page.getByRole('button', { name: 'Zənciri yoxla' }).click();
	await page.locator('.verdict.ok').waitFor();
	assert.match(norm(await page.locator('.verdict').innerText()), /Zəncir bütövdür: .* qeydin hamısı yoxlanıldı/);
	await check(page, 'audit-verified-az');
	await setLang(page, 'en');
	await page.getByRole('button', { name: 'Verify the chain' }).click();
	await page.locator('.verdict.ok', { hasText: 'The chain holds' }).waitFor();
	await check(page, 'audit-verified-en');
	await page.context().close();
});

test('tablet: the person page and the dashboard fit a 768 px wide screen', async () => {
	const page = await newPage(browser, { width: 768, height: 1024 });
	await signIn(page, 'mia_officer');
	await page.goto(`${BASE}/#/persons/${story.leyla}`);
	await page.locator('ol.timeline').waitFor();
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(wide <= 768, `no sideways scrolling (${wide}px)`);
	await check(page, 'person-officer-tablet');
	// the API's own field errors are shown next to the field: a dependant
	// whose parent does not exist
	await page.locator('header nav a[href="#/persons/new"]').click();
	const form = page.locator('form.register');
	await form.locator('[data-field="given_name"] input').fill('Kamran');
	await form.locator('[data-field="family_name"] input').fill('Məmmədov');
	await form.getByRole('button', { name: 'Təkrarları axtar' }).click();
	await form.locator('.duplicates button.primary').click();
	await form.locator('[data-field="sex"] input[value="male"]').check();
	await form.locator('[data-field="status"] select').selectOption('dependant');
	await form.locator('[data-field="parent_id"] input').fill('p-0000000000000000');
	await form.locator('[data-field="identified_on"] input').fill('');
	await form.locator('[data-field="identification_source"] select').selectOption('');
	await form.locator('button[type="submit"]').click();
	await form.locator('[data-field="parent_id"] .field-error').waitFor();
	assert.match(norm(await form.locator('[data-field="parent_id"] .field-error').innerText()), /no such person/);
	assert.match(norm(await form.locator('.error-summary').innerText()), /Valideyn \(qeydin nömrəsi\): no such person/);
	await check(page, 'register-server-errors-tablet');
	await page.context().close();
	// administration, the audit log and the annual report at the same width
	for (const [user, hash, name] of [['admin', '#/users', 'admin-tablet'], ['auditor', '#/audit', 'audit-tablet'], ['coord', '#/report', 'report-tablet']]) {
		const p = await newPage(browser, { width: 768, height: 1024 });
		await signIn(p, user);
		await p.goto(`${BASE}/${hash}`);
		await p.locator('main section').first().waitFor();
		const w = await p.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(w <= 768, `${name}: no sideways scrolling (${w}px)`);
		await check(p, name);
		await p.context().close();
	}
});

test('no serious or critical accessibility violation on any page', () => {
	assert.deepEqual(problems, []);
});
