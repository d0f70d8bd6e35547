// Experiments and runs: the runs of an experiment, one or more runs' metrics over steps (uPlot), their params side
// by side, the artifacts, and confusion_matrix.json as a heat map (ECharts).
import { get, send, filePath } from '../api.js';
import { h, table, section, errorBox, when, num, bytes } from '../dom.js';
import { metricChart, confusionHeatMap } from '../charts.js';
import { go } from '../nav.js';

const MLFLOW = '/api/2.0/mlflow';
const CONFUSION_MATRIX = 'confusion_matrix.json';
const MAX_COMPARED = 8;

export async function render(main, session, [first, second]) {
  if (first === 'run' && second) {
    return showRuns(main, [second]);
  }
  if (first === 'compare' && second) {
    return showRuns(main, second.split(',').filter(Boolean).slice(0, MAX_COMPARED));
  }
  const experiments = (await get(`${MLFLOW}/experiments/search?max_results=1000`)).experiments || [];
  const chosen = experiments.find((e) => e.experiment_id === first)
    || experiments.find((e) => e.name !== 'Default') || experiments[0];
  const picker = h('select', { id: 'experiment-select', 'aria-label': 'Experiment' },
    experiments.map((e) => h('option', { value: e.experiment_id, selected: e === chosen }, e.name)));
  picker.addEventListener('change', () => go(`#experiments/${encodeURIComponent(picker.value)}`));
  main.append(section('Experiments', h('label', {}, 'Experiment ', picker)));
  if (chosen) {
    main.append(await runsTable(chosen));
  }
  return null;
}

async function runsTable(experiment) {
  const found = await send('POST', `${MLFLOW}/runs/search`, { experiment_ids: [experiment.experiment_id], max_results: 200,
    order_by: ['attributes.start_time DESC'] });
  const runs = found.runs || [];
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data.metrics || []).map((m) => m.key)))].sort().slice(0, 6);
  const compare = h('button', { id: 'compare-runs', type: 'button' }, 'Compare selected runs');
  const tableEl = table([
    { title: '', cell: (r) => h('input', { type: 'checkbox', class: 'pick-run', value: r.info.run_id, 'aria-label': 'compare' }) },
    { title: 'Run', cell: (r) => h('a', { href: `#experiments/run/${encodeURIComponent(r.info.run_id)}`, class: 'run-link' },
      r.info.run_name || r.info.run_id.slice(0, 8)) },
    { title: 'Status', cell: (r) => r.info.status },
    { title: 'Started', cell: (r) => when(r.info.start_time) },
    ...metricKeys.map((k) => ({ title: k, cell: (r) => num(((r.data.metrics || []).find((m) => m.key === k) || {}).value ?? '') })),
  ], runs, 'No runs in this experiment.', { id: 'runs-table' });
  compare.addEventListener('click', () => {
    const ids = [...tableEl.querySelectorAll('.pick-run:checked')].map((c) => c.value);
    if (ids.length > 0) {
      go(`#experiments/compare/${ids.slice(0, MAX_COMPARED).map(encodeURIComponent).join(',')}`);
    }
  });
  return section(`Runs of ${experiment.name}`, tableEl, runs.length > 1 ? compare : null);
}

async function showRuns(main, ids) {
  const runs = await Promise.all(ids.map((id) => get(`${MLFLOW}/runs/get?run_id=${encodeURIComponent(id)}`).then((r) => r.run)));
  // run names are often the plugin and a UUID: the legends get something short
  const label = (r) => (r.info.run_name && r.info.run_name.length <= 24 ? r.info.run_name : r.info.run_id.slice(0, 8));
  main.append(section(runs.length === 1 ? `Run ${label(runs[0])}` : `Comparing ${runs.length} runs`,
    h('p', {}, h('a', { href: `#experiments/${encodeURIComponent(runs[0].info.experiment_id)}` }, '← runs of the experiment')),
    table([
      { title: 'Run', cell: (r) => label(r) },
      { title: 'Id', cell: (r) => h('code', {}, r.info.run_id) },
      { title: 'Status', cell: (r) => r.info.status },
      { title: 'Started', cell: (r) => when(r.info.start_time) },
      { title: 'Ended', cell: (r) => when(r.info.end_time) },
    ], runs)));

  const charts = h('div', { class: 'charts', id: 'metric-charts' });
  main.append(section('Metrics over steps', charts));
  const keys = [...new Set(runs.flatMap((r) => (r.data.metrics || []).map((m) => m.key)))].sort();
  for (const key of keys) {
    const series = await Promise.all(runs.map(async (r) => {
      const hist = await get(`${MLFLOW}/metrics/get-history?run_id=${encodeURIComponent(r.info.run_id)}`
        + `&metric_key=${encodeURIComponent(key)}&max_results=25000`);
      return { label: label(r), points: (hist.metrics || []).map((m) => ({ step: Number(m.step), value: m.value })) };
    }));
    charts.append(metricChart(key, series.filter((s) => s.points.length > 0)));
  }
  if (keys.length === 0) {
    charts.append(h('p', { class: 'muted' }, 'No metrics logged.'));
  }

  main.append(section('Params', paramsTable(runs, label)));
  for (const r of runs) {
    main.append(await artifactsSection(r, label(r)));
  }
  return null;
}

/** One row per param key, one column per run. */
function paramsTable(runs, label) {
  const keys = [...new Set(runs.flatMap((r) => (r.data.params || []).map((p) => p.key)))].sort();
  const value = (r, k) => ((r.data.params || []).find((p) => p.key === k) || {}).value ?? '';
  return table([
    { title: 'Param', cell: (k) => k },
    ...runs.map((r) => ({ title: label(r), cell: (k) => value(r, k) })),
  ], keys, 'No params.', { id: 'params-table', class: 'params' });
}

async function artifactsSection(run, label) {
  const body = h('div', {});
  try {
    const files = await listArtifacts(run.info.run_id, null, 0);
    const base = artifactBase(run);
    body.append(table([
      { title: 'Path', cell: (f) => (base ? h('a', { href: `${base}/${filePath(f.path)}`, download: f.path.split('/').pop() }, f.path) : f.path) },
      { title: 'Size', cell: (f) => bytes(f.file_size) },
    ], files, 'No artifacts.', { class: 'artifacts' }));
    if (base && files.some((f) => f.path === CONFUSION_MATRIX)) {
      const text = await get(`${base}/${CONFUSION_MATRIX}`);
      const cm = typeof text === 'string' ? JSON.parse(text) : text;
      body.append(h('h3', {}, 'Confusion matrix'), confusionHeatMap(cm));
    }
  } catch (err) {
    body.append(errorBox(err));
  }
  return section(`Artifacts of ${label}`, body);
}

/** Every file under a directory of a run's artifacts (directories opened, at most 3 levels and 500 files). */
async function listArtifacts(runId, path, depth) {
  const q = `${MLFLOW}/artifacts/list?run_id=${encodeURIComponent(runId)}${path ? `&path=${encodeURIComponent(path)}` : ''}`;
  const out = [];
  for (const f of (await get(q)).files || []) {
    if (f.is_dir && depth < 3 && out.length < 500) {
      out.push(...await listArtifacts(runId, f.path, depth + 1));
    } else if (!f.is_dir) {
      out.push(f);
    }
  }
  return out;
}

/** The artifact proxy URL of a run's artifact root (artifact_uri mlflow-artifacts:/<exp>/<run>/artifacts). */
function artifactBase(run) {
  const m = /^mlflow-artifacts:\/+(.*)$/.exec(run.info.artifact_uri || '');
  return m ? `/api/2.0/mlflow-artifacts/artifacts/${filePath(m[1])}` : null;
}
