// dom.js - building the page from data, never from HTML text.
//
// Every element of the interface is made here with createElement and filled
// with textContent, so nothing a user or the API sends can become markup
// (there is no innerHTML anywhere in web/dist/).

const SVG_NS = 'http://www.w3.org/2000/svg';

function put(el, attrs) {
	for (const [key, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) continue;
		if (key === 'class') el.setAttribute('class', value);
		else if (key === 'text') el.textContent = value;
		else if (key.startsWith('on') && typeof value === 'function')
			el.addEventListener(key.slice(2), value);
		else if (key === 'value' && 'value' in el) el.value = value;
		else if (key === 'checked' || key === 'selected') el[key] = Boolean(value);
		else el.setAttribute(key, value === true ? '' : String(value));
	}
}

function add(el, children) {
	for (const child of children.flat(Infinity)) {
		if (child === null || child === undefined || child === false) continue;
		el.append(child instanceof Node ? child : String(child));
	}
}

// h('p', {class: 'x', onclick: f}, 'text', otherNode, [more]) -> an element.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	put(el, attrs);
	add(el, children);
	return el;
}

// The same for SVG elements (charts).
export function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG_NS, tag);
	put(el, attrs);
	add(el, children);
	return el;
}

// Replaces the children of el.
export function fill(el, ...children) {
	el.replaceChildren();
	add(el, children);
	return el;
}

let nextId = 0;
// A fresh id for label/aria wiring.
export function uid(prefix = 'f') {
	nextId += 1;
	return `${prefix}-${nextId}`;
}
