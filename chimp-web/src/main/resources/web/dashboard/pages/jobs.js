// Jobs and workers (every queue), and the chain's oracle jobs when a chain is configured.
import { get, send, seg } from '../api.js';
import { h, fill, table, section, errorBox, when, progressBar } from '../dom.js';
import { every } from '../nav.js';

const POLL_MS = 2000;
const STATES = ['', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled'];

export async function render(main, session) {
  const state = h('select', { id: 'job-state', 'aria-label': 'state' }, STATES.map((s) => h('option', { value: s }, s || 'any state')));
  const jobs = h('div', { id: 'jobs' });
  const workers = h('div', { id: 'workers' });
  const chain = h('div', { id: 'chain-jobs' });
  main.append(section('Jobs', h('label', {}, 'State ', state), jobs), section('Workers', workers), chain);
  let chainConfigured = true; // until /chain/jobs answers 404: this node sequences no chain
  const refresh = async () => {
    const q = state.value ? `&state=${encodeURIComponent(state.value)}` : '';
    await Promise.all([showJobs(jobs, q, session), showWorkers(workers),
      chainConfigured ? showChain(chain).then((found) => { chainConfigured = found; }) : null]);
  };
  state.addEventListener('change', refresh);
  return every(POLL_MS, refresh);
}

async function showJobs(el, q, session) {
  try {
    const page = await get(`/jobs?limit=50${q}`);
    fill(el, h('p', { class: 'muted' }, `${page.total} jobs`), table([
      { title: 'Id', cell: (j) => h('code', { title: j.id }, j.id.slice(0, 8)) },
      { title: 'Queue', cell: (j) => j.queue },
      { title: 'Type', cell: (j) => j.type },
      { title: 'State', cell: (j) => h('span', { class: `state state-${j.state}` }, j.state, j.dead_lettered ? ' (dead-lettered)' : '') },
      { title: 'Progress', cell: (j) => (j.progress ? progressBar(j.progress.fraction, j.progress.message) : '') },
      { title: 'Attempts', cell: (j) => `${j.attempts}/${j.max_attempts}` },
      { title: 'Worker', cell: (j) => j.worker_id || '' },
      { title: 'Error', cell: (j) => (j.error ? h('span', { class: 'error' }, j.error) : '') },
      { title: 'Created', cell: (j) => when(j.created_at) },
      { title: '', cell: (j) => actions(j, session, el) },
    ], page.jobs, 'No jobs.', { id: 'jobs-table' }));
  } catch (err) {
    fill(el, errorBox(err));
  }
}

function actions(j, session, el) {
  if (!session.admin) {
    return '';
  }
  if (j.dead_lettered) {
    return h('button', { onclick: () => send('POST', `/jobs/${seg(j.id)}/retry`).catch((err) => el.prepend(errorBox(err))) }, 'Retry');
  }
  if (!['succeeded', 'failed', 'cancelled'].includes(j.state) && !j.cancel_requested) {
    return h('button', { onclick: () => send('POST', `/jobs/${seg(j.id)}/cancel`).catch((err) => el.prepend(errorBox(err))) }, 'Cancel');
  }
  return '';
}

async function showWorkers(el) {
  try {
    const w = await get('/workers');
    fill(el, table([
      { title: 'Worker', cell: (x) => x.id },
      { title: 'Host', cell: (x) => `${x.host} (pid ${x.pid})` },
      { title: 'Queues', cell: (x) => (x.queues || []).join(', ') },
      { title: 'Concurrency', cell: (x) => x.concurrency },
      { title: 'State', cell: (x) => `${x.state}${x.alive ? '' : ' (no heartbeat)'}` },
      { title: 'Current jobs', cell: (x) => (x.current_jobs || []).map((id) => id.slice(0, 8)).join(', ') },
      { title: 'Last heartbeat', cell: (x) => when(x.last_heartbeat) },
    ], w.workers, 'No workers.', { id: 'workers-table' }));
  } catch (err) {
    fill(el, errorBox(err));
  }
}

/** Shows the chain's jobs; false when no chain is configured (404), so the page stops asking. */
async function showChain(el) {
  try {
    const c = await get('/chain/jobs?limit=50');
    fill(el, section(`Chain jobs (chain ${c.chain_id}, oracle ${c.contract})`, table([
      { title: 'Job', cell: (j) => j.job_id },
      { title: 'Model', cell: (j) => j.model_id },
      { title: 'State', cell: (j) => j.state },
      { title: 'Requester', cell: (j) => h('code', {}, j.requester || '') },
      { title: 'Answer', cell: (j) => (j.answer_tx ? `${j.answer_kind} ${j.answer_tx.slice(0, 12)}…` : '') },
      { title: 'Output', cell: (j) => (j.output_uri && /^https?:\/\//.test(j.output_uri) ? h('a', { href: j.output_uri, rel: 'noopener noreferrer' }, j.output_hash ? j.output_hash.slice(0, 12) : 'output') : '') },
      { title: 'Error', cell: (j) => j.error || '' },
    ], c.jobs, 'No chain jobs yet.', { id: 'chain-jobs-table' })));
    return true;
  } catch (err) {
    fill(el, err.status === 404 ? '' : errorBox(err));
    return err.status !== 404;
  }
}
