// Training: the plugins with a form generated from their typed arguments, starting a task, and the tasks with
// live progress, cancel, and their errors.
import { get, send, seg } from '../api.js';
import { h, fill, table, section, errorBox, when, progressBar } from '../dom.js';
import { argumentInput, datasetInput, formBody } from '../form.js';
import { every } from '../nav.js';

const POLL_MS = 1000;

export async function render(main, session, [pluginName]) {
  const [plugins, datasets] = await Promise.all([get('/plugins?include_details=true'), get('/datasets')]);
  const chosen = plugins.plugins.find((p) => p.name === pluginName) || plugins.plugins[0];
  const formBox = h('div', { id: 'plugin-form' });
  const picker = h('select', { id: 'plugin-select', 'aria-label': 'Training plugin' },
    plugins.plugins.map((p) => h('option', { value: p.name, selected: p === chosen }, `${p.name} ${p.version}`)));
  picker.addEventListener('change', () => showForm(formBox, plugins.plugins.find((p) => p.name === picker.value),
    datasets.datasets, session));
  main.append(section('Start a training task',
    session.admin ? null : h('p', { class: 'muted' }, 'Only admins start training, except plugins a user may run '
      + 'for themself (emotion-calibration with user = your name).'),
    h('label', {}, 'Plugin ', picker), formBox));
  if (chosen) {
    showForm(formBox, chosen, datasets.datasets, session);
  }
  const tasks = h('div', { id: 'tasks' });
  const details = h('div', { id: 'task-details' });
  main.append(section('Training tasks', tasks), details);
  return every(POLL_MS, () => refreshTasks(tasks, details, session));
}

function showForm(box, plugin, datasets, session) {
  const status = h('div', { class: 'status', id: 'run-status' });
  const form = h('form', { class: 'stacked plugin-form', dataset: { plugin: plugin.name } },
    h('p', { class: 'muted' }, plugin.description),
    Object.values(plugin.datasets || {}).map((d) => datasetInput(d, datasets)),
    Object.values(plugin.arguments || {}).map((a) => argumentInput(a, session.user)),
    h('button', { type: 'submit', id: 'start-task' }, `Start ${plugin.name}`),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(status, 'Submitting…');
    try {
      const r = await send('POST', `/tasks/run/${seg(plugin.name)}`, formBody(form, plugin));
      fill(status, h('span', { class: 'ok' }, `Task ${r.task_id} ${r.status}.`));
    } catch (err) {
      fill(status, errorBox(err));
    }
  });
  fill(box, form);
}

async function refreshTasks(el, details, session) {
  let page;
  try {
    page = await get('/jobs?queue=training&limit=25');
  } catch (err) {
    fill(el, errorBox(err));
    return;
  }
  fill(el, table([
    { title: 'Task', cell: (j) => h('a', { href: '#', class: 'task-link', onclick: (e) => { e.preventDefault(); showTask(details, j.id, session); } },
      j.id.slice(0, 8)) },
    { title: 'Plugin', cell: (j) => (j.payload && j.payload.plugin) || j.type },
    { title: 'State', cell: (j) => h('span', { class: `state state-${j.state}` }, j.state) },
    { title: 'Progress', cell: (j) => (j.state === 'succeeded' ? progressBar(1, 'done') : progressBar(j.progress ? j.progress.fraction : 0,
      j.progress ? j.progress.message : '')) },
    { title: 'Message', cell: (j) => (j.error ? h('span', { class: 'error' }, j.error) : (j.progress ? j.progress.message : '')) },
    { title: 'Result', cell: (j) => resultLinks(j.result) },
    { title: 'Created', cell: (j) => when(j.created_at) },
    { title: '', cell: (j) => (session.admin && !isFinal(j.state) && !j.cancel_requested
      ? h('button', { class: 'cancel', onclick: () => cancel(j.id, el) }, 'Cancel') : '') },
  ], page.jobs, 'No training tasks yet.', { id: 'tasks-table' }));
}

function isFinal(state) {
  return ['succeeded', 'failed', 'cancelled'].includes(state);
}

function resultLinks(result) {
  if (!result || !result.run_id) {
    return '';
  }
  return h('span', {},
    h('a', { href: `#experiments/run/${encodeURIComponent(result.run_id)}`, class: 'run-link' }, 'run'), ' · ',
    h('a', { href: `#registry/${encodeURIComponent(result.model_name)}` }, `${result.model_name} v${result.model_version}`));
}

async function cancel(id, el) {
  try {
    await send('POST', `/jobs/${seg(id)}/cancel`);
  } catch (err) {
    el.prepend(errorBox(err));
  }
}

async function showTask(el, id, session) {
  try {
    const j = await get(`/jobs/${seg(id)}`);
    fill(el, section(`Task ${j.id}`,
      h('dl', { class: 'facts' },
        h('dt', {}, 'State'), h('dd', {}, j.state, j.dead_lettered ? ' (dead-lettered)' : ''),
        h('dt', {}, 'Attempts'), h('dd', {}, `${j.attempts} of ${j.max_attempts}`),
        h('dt', {}, 'Worker'), h('dd', {}, j.worker_id || ''),
        h('dt', {}, 'Queued / ran'), h('dd', {}, `${j.queued_ms ?? '–'} ms / ${j.run_ms ?? '–'} ms`),
        h('dt', {}, 'Progress'), h('dd', {}, j.progress ? j.progress.message : '')),
      h('h3', {}, 'Request'), h('pre', {}, JSON.stringify(j.payload, null, 2)),
      j.result ? [h('h3', {}, 'Result'), h('pre', {}, JSON.stringify(j.result, null, 2))] : null,
      j.error ? [h('h3', {}, 'Error'), h('pre', { class: 'error' }, j.error)] : null,
      j.error_history && j.error_history.length ? [h('h3', {}, 'Earlier attempts'),
        h('pre', {}, JSON.stringify(j.error_history, null, 2))] : null,
      session.admin && j.dead_lettered ? h('button', { onclick: () => send('POST', `/jobs/${seg(id)}/retry`)
        .then(() => showTask(el, id, session), (err) => el.append(errorBox(err))) }, 'Retry') : null));
  } catch (err) {
    fill(el, errorBox(err));
  }
}
