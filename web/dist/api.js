// api.js - the one way the interface talks to the server: the JSON API
// under /api/v1, same origin, the session cookie sent by the browser.
//
// Every state change carries the X-CSRF-Token given at sign-in.  The token
// is kept in sessionStorage (this tab only, gone when it closes) so that a
// reload does not lose it; the session cookie itself is HttpOnly and never
// seen here.  A 401 on any call but the sign-in means the session ended:
// the handler set with onExpired (app.js) asks the user to sign in again
// and the call is then repeated once, so a form being saved is not lost.
// A 401 of type reauth-required (a sensitive action, an authentication over
// five minutes old) is met the same way through onStepUp.  After a reload,
// GET /api/v1/session gives the token again.  A 403 of type terms-required
// (the data-protection terms not accepted, HUM-15) is told to onTermsRequired,
// which shows the terms page, and is then thrown like any refusal: there is
// nothing to repeat, the page that made the call has gone.

const CSRF_KEY = 'haven.csrf';
let csrf = null;
let expiredHandler = null;
let stepUpHandler = null;
let termsHandler = null;

try {
	csrf = sessionStorage.getItem(CSRF_KEY);
} catch {
	csrf = null;
}

// A failed call: the HTTP status (0: no answer) and the problem document.
export class ApiError extends Error {
	constructor(status, problem, requestId) {
		super((problem && problem.title) || `HTTP ${status}`);
		this.status = status;
		this.problem = problem || {};
		this.requestId = requestId || '';
	}

	// [{field, message}] of an invalid request.
	get fields() {
		return Array.isArray(this.problem.errors) ? this.problem.errors : [];
	}
}

export function setCsrf(token) {
	csrf = token || null;
	try {
		if (csrf) sessionStorage.setItem(CSRF_KEY, csrf);
		else sessionStorage.removeItem(CSRF_KEY);
	} catch {
		/* kept in memory only */
	}
}

// fn(error) -> a promise that resolves once the user has signed in again
// (true) or gave up (false).
export function onExpired(fn) {
	expiredHandler = fn;
}

// The same for a sensitive action that needs a recent authentication (401
// of type reauth-required: the session goes on, password and one-time code
// are asked again).
export function onStepUp(fn) {
	stepUpHandler = fn;
}

// fn(error), told of every 403 terms-required.
export function onTermsRequired(fn) {
	termsHandler = fn;
}

const problemIs = (e, type) => e instanceof ApiError && String(e.problem.type || '').endsWith(`/${type}`);

async function send(method, path, body, headers) {
	const h = { Accept: 'application/json', ...headers };
	if (body !== undefined) h['Content-Type'] = 'application/json';
	if (method !== 'GET' && csrf) h['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(path, {
			method,
			headers: h,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, null);
	}
	if (res.status === 204) return null;
	const type = res.headers.get('Content-Type') || '';
	const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
	if (!res.ok)
		throw new ApiError(res.status, data && typeof data === 'object' ? data : null,
			res.headers.get('X-Request-Id'));
	return data;
}

// One call; options.signin marks the sign-in itself (its 401 is a wrong
// credential, not an ended session); options.headers adds headers.
export async function call(method, path, body, options = {}) {
	try {
		return await send(method, path, body, options.headers);
	} catch (e) {
		if (!(e instanceof ApiError) || options.signin) throw e;
		if (e.status === 401 && problemIs(e, 'reauth-required')) {
			if (!stepUpHandler || !(await stepUpHandler(e))) throw e;
			return send(method, path, body, options.headers);
		}
		if (e.status === 403 && problemIs(e, 'terms-required')) {
			if (termsHandler) termsHandler(e);
			throw e;
		}
		const csrfMissing = e.status === 403 && problemIs(e, 'csrf');
		if (!(e.status === 401 || csrfMissing) || !expiredHandler) throw e;
		if (!(await expiredHandler(e))) throw e;
		return send(method, path, body, options.headers);
	}
}

export const get = (path, options) => call('GET', path, undefined, options);
export const post = (path, body, options) => call('POST', path, body, options);
export const patch = (path, body, options) => call('PATCH', path, body, options);
export const del = (path, options) => call('DELETE', path, undefined, options);

// A query string from an object, leaving out empty values.
export function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : '';
}
