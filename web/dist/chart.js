// chart.js - the two charts of the dashboard, drawn as SVG elements (no
// library): a line per indicator over the years, and horizontal bars.  Each
// chart is an image with a text alternative; the same figures are always in
// a table beside it.

import { svg, h } from './dom.js';

const COLOURS = ['#1a4fa0', '#b5470b', '#2a7a3b', '#7a3294', '#8a6d00', '#0f6e7a'];

// series: [{label, values: [number|null]}], years: [number].
export function lines(title, years, series, fmt) {
	const W = 640, H = 260, L = 48, R = 12, T = 16, B = 36;
	const all = series.flatMap((s) => s.values).filter((v) => typeof v === 'number');
	const max = Math.max(1, ...all);
	const x = (i) => L + (i * (W - L - R)) / Math.max(1, years.length - 1);
	const y = (v) => T + (H - T - B) * (1 - v / max);
	const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
	const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' },
		ticks.map((v) => [
			svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
			svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)),
		]),
		years.map((yr, i) => svg('text', { x: x(i), y: H - B + 20, 'text-anchor': 'middle', class: 'tick' }, String(yr))),
		series.map((s, k) => {
			const pts = s.values.map((v, i) => (typeof v === 'number' ? `${x(i)},${y(v)}` : null)).filter(Boolean);
			return svg('g', { class: 'series' },
				svg('polyline', { points: pts.join(' '), fill: 'none', stroke: COLOURS[k % COLOURS.length], 'stroke-width': 2.5 }),
				s.values.map((v, i) => (typeof v === 'number'
					? svg('circle', { cx: x(i), cy: y(v), r: 3.5, fill: COLOURS[k % COLOURS.length] }) : null)));
		}));
	const legend = h('ul', { class: 'legend' }, series.map((s, k) => h('li', {},
		h('span', { class: `swatch c${k % COLOURS.length}`, 'aria-hidden': 'true' }), s.label)));
	return h('figure', { class: 'chart-box' }, chart, legend);
}

// rows: [{label, value: number|null}] as horizontal bars.
export function bars(title, rows, fmt) {
	const max = Math.max(1, ...rows.map((r) => (typeof r.value === 'number' ? r.value : 0)));
	return h('ul', { class: 'bars', 'aria-label': title }, rows.map((r) => {
		const bar = h('span', { class: 'bar-fill' });
		bar.style.width = `${typeof r.value === 'number' ? (100 * r.value) / max : 0}%`;
		return h('li', {}, h('span', { class: 'bar-label', text: r.label }),
			h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
			h('span', { class: 'bar-value', text: fmt(r.value) }));
	}));
}
