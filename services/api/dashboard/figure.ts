// One figure: a heading, a sentence, a bar chart and the same numbers as a table.
//
// Chart.js draws the bars. Chosen over uPlot (time series first; categorical bars take custom
// axes) and Observable Plot (SVG with an inline <style> element and style attributes, which a
// style-src 'self' policy blocks): it is actively maintained, tree-shakes to the bar parts
// (the whole page is about 60 kB gzipped), sets styles only through the CSSOM (allowed by the page's strict
// Content-Security-Policy) and injects no stylesheet. A canvas is opaque to screen readers, so
// each chart is an img with a label that says what it shows, and every figure is also a table.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#1d2733';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

export interface FigureSpec {
  id: string;
  title: string;
  summary: string;
  /** The table's column headings: the category, then one per series. */
  columns: string[];
  categories: string[];
  series: Series[];
  /** Shown instead of the chart when every value is 0 or missing. */
  empty: string;
  /** Figures are counts unless told (days are decimals). */
  format?: (value: number | null) => string;
}

const charts = new Map<string, Chart>();

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const count = (value: number | null) => (value === null ? '—' : value.toLocaleString('en'));

export function renderFigure(container: HTMLElement, spec: FigureSpec): HTMLElement {
  charts.get(spec.id)?.destroy();
  charts.delete(spec.id);
  const format = spec.format ?? count;
  const heading = el('h2', { id: `${spec.id}-h` }, spec.title);
  const section = el('section', { className: 'figure', id: spec.id }, heading, el('p', { className: 'summary' }, spec.summary));
  section.setAttribute('aria-labelledby', heading.id);

  const hasData = spec.series.some((s) => s.values.some((v) => v !== null && v !== 0));
  if (hasData) {
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${spec.title}: bar chart. ${spec.summary} The table below gives every figure.`);
    section.append(el('div', { className: 'chart' }, canvas));
    charts.set(
      spec.id,
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: spec.categories,
          datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderColor: s.color })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: spec.series.length > 1 } },
          scales: { y: { beginAtZero: true, ticks: { precision: spec.format ? undefined : 0 } } },
        },
      }),
    );
  } else {
    section.append(el('p', { className: 'empty' }, spec.empty));
  }

  const head = el('tr', {}, ...spec.columns.map((c) => el('th', { scope: 'col' }, c)));
  const rows = spec.categories.map((category, i) =>
    el('tr', {}, el('th', { scope: 'row' }, category), ...spec.series.map((s) => el('td', {}, format(s.values[i] ?? null)))),
  );
  const table = el('table', {}, el('caption', {}, `${spec.title} (table)`), el('thead', {}, head), el('tbody', {}, ...rows));
  table.dataset.figure = spec.id;
  // A long table scrolls inside its own box, never the page; the box is focusable so a
  // keyboard can scroll it.
  const scroller = el('div', { className: 'table', tabIndex: 0 }, table);
  scroller.setAttribute('role', 'region');
  scroller.setAttribute('aria-label', `${spec.title}, table`);
  section.append(scroller);
  container.append(section);
  return section;
}

export function clearFigures(container: HTMLElement) {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  container.replaceChildren();
}

export { el };
