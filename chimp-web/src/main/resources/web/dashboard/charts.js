// Charts from the bundled WebJars: uPlot for metric lines, ECharts for the confusion-matrix heat map.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import * as echarts from '/webjars/echarts/5.3.1/dist/echarts.esm.min.js';
import { h } from './dom.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/**
 * A line chart of one metric over steps for one or more runs: series [{label, points: [{step, value}]}].
 * Steps are merged onto one x axis; a run without a value at a step has a gap there.
 */
export function metricChart(title, series) {
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b);
  const data = [steps];
  for (const s of series) {
    const byStep = new Map(s.points.map((p) => [p.step, p.value]));
    data.push(steps.map((x) => (byStep.has(x) ? byStep.get(x) : null)));
  }
  const el = h('div', { class: 'chart', dataset: { metric: title } });
  const opts = {
    title,
    width: 480,
    height: 240,
    scales: { x: { time: false } },
    // steps are whole numbers: no ticks between them
    axes: [{ label: 'step', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] }, {}],
    series: [{ label: 'step' }, ...series.map((s, i) => ({
      label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: steps.length < 40 },
    }))],
  };
  el.plot = new uPlot(opts, data, el);
  return el;
}

/** A heat map of a confusion matrix {labels, matrix: [[count]], rows, columns}. */
export function confusionHeatMap(cm) {
  const labels = cm.labels.map(String);
  const cells = [];
  let max = 0;
  cm.matrix.forEach((row, r) => row.forEach((v, c) => {
    cells.push([c, r, v]);
    max = Math.max(max, v);
  }));
  const el = h('div', { class: 'heatmap', id: 'confusion-matrix' });
  // ECharts measures its container, so it is drawn once the element is in the page.
  requestAnimationFrame(() => {
    const chart = echarts.init(el, null, { renderer: 'canvas', width: 520, height: 460 });
    chart.setOption({
      animation: false,
      tooltip: { position: 'top' },
      grid: { left: 90, bottom: 90, top: 20, right: 20 },
      xAxis: { type: 'category', data: labels, name: cm.columns || 'predicted', nameLocation: 'middle', nameGap: 60,
        axisLabel: { rotate: 30 }, splitArea: { show: true } },
      yAxis: { type: 'category', data: labels, name: cm.rows || 'true', nameLocation: 'middle', nameGap: 70,
        inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
        show: false },
      series: [{ type: 'heatmap', data: cells, label: { show: true } }],
    });
    el.chart = chart;
    el.dataset.drawn = 'true';
  });
  return el;
}
