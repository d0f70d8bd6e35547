// Registry: registered models, their versions with stages, aliases, lineage and promotion decisions; promote,
// alias and roll back (admins).
import { get, send } from '../api.js';
import { h, fill, table, section, errorBox, when } from '../dom.js';
import { go } from '../nav.js';

const MLFLOW = '/api/2.0/mlflow';
const STAGES = ['None', 'Staging', 'Production', 'Archived'];

export async function render(main, session, [modelName]) {
  const models = (await get(`${MLFLOW}/registered-models/search?max_results=1000`)).registered_models || [];
  main.append(section('Registered models', table([
    { title: 'Model', cell: (m) => h('a', { href: `#registry/${encodeURIComponent(m.name)}`, class: 'model-link' }, m.name) },
    { title: 'Latest versions', cell: (m) => (m.latest_versions || []).map((v) => `v${v.version} ${v.current_stage}`).join(', ') },
    { title: 'Aliases', cell: (m) => (m.aliases || []).map((a) => `@${a.alias} → v${a.version}`).join(', ') },
    { title: 'Updated', cell: (m) => when(m.last_updated_timestamp) },
  ], models, 'No registered models yet: train one.', { id: 'models-table' })));
  const chosen = models.find((m) => m.name === modelName) || (models.length === 1 ? models[0] : null);
  if (chosen) {
    const box = h('div', { id: 'model-detail' });
    main.append(box);
    await showModel(box, chosen.name, session);
  }
  return null;
}

function tag(v, key) {
  return ((v.tags || []).find((t) => t.key === key) || {}).value || '';
}

async function showModel(box, name, session) {
  const filter = encodeURIComponent(`name='${name.replace(/'/g, "\\'")}'`);
  const versions = ((await get(`${MLFLOW}/model-versions/search?filter=${filter}&max_results=1000`)).model_versions || [])
    .sort((a, b) => Number(b.version) - Number(a.version));
  const status = h('div', { class: 'status', id: 'registry-status' });
  const lineage = h('div', { id: 'lineage' });
  const act = async (what, fn) => {
    fill(status, `${what}…`);
    try {
      await fn();
      go(`#registry/${encodeURIComponent(name)}`);
    } catch (err) {
      fill(status, errorBox(err));
    }
  };
  const columns = [
    { title: 'Version', cell: (v) => `v${v.version}` },
    { title: 'Stage', cell: (v) => h('span', { class: `stage stage-${v.current_stage.toLowerCase()}`, dataset: { version: v.version } }, v.current_stage) },
    { title: 'Aliases', cell: (v) => (v.aliases || []).map((a) => `@${a}`).join(' ') },
    { title: 'Run', cell: (v) => (v.run_id ? h('a', { href: `#experiments/run/${encodeURIComponent(v.run_id)}` }, v.run_id.slice(0, 8)) : '') },
    { title: 'Parent', cell: (v) => (tag(v, 'chimp.parent_version') ? `v${tag(v, 'chimp.parent_version')}` : '') },
    { title: 'User', cell: (v) => tag(v, 'chimp.user') },
    { title: 'Promotion decision', cell: (v) => (tag(v, 'chimp.promotion.decision')
      ? h('span', { title: tag(v, 'chimp.promotion.reason') }, tag(v, 'chimp.promotion.decision'), h('br'),
        h('small', { class: 'muted' }, tag(v, 'chimp.promotion.reason'))) : '') },
    { title: 'Created', cell: (v) => when(v.creation_timestamp) },
    { title: 'Lineage', cell: (v) => h('button', { type: 'button', class: 'lineage', onclick: () => showLineage(lineage, name, v.version) }, 'Lineage') },
  ];
  if (session.admin) {
    columns.push({ title: 'Move to', cell: (v) => {
      const stage = h('select', { 'aria-label': `stage of v${v.version}`, class: 'stage-select', dataset: { version: v.version } },
        STAGES.map((s) => h('option', { value: s, selected: s === v.current_stage }, s)));
      return h('span', { class: 'row-actions' }, stage,
        h('button', { type: 'button', class: 'promote', dataset: { version: v.version }, onclick: () => act('Moving', () => send('POST',
          `${MLFLOW}/model-versions/transition-stage`, { name, version: v.version, stage: stage.value,
            archive_existing_versions: stage.value === 'Production' })) }, 'Move'));
    } });
  }
  const admin = session.admin ? h('div', { class: 'row-actions' },
    h('button', { type: 'button', id: 'rollback', onclick: () => act('Rolling back',
      () => send('POST', '/api/2.0/chimp/models/rollback', { name })) }, 'Roll back Production'),
    aliasForm(name, versions, act)) : null;
  fill(box, section(`${name}: versions`, table(columns, versions, 'No versions.', { id: 'versions-table' }), admin, status),
    lineage);
}

function aliasForm(name, versions, act) {
  const alias = h('input', { name: 'alias', placeholder: 'alias', maxlength: 64, pattern: '[A-Za-z0-9_\\-]+', required: true });
  const version = h('select', { name: 'version' }, versions.map((v) => h('option', { value: v.version }, `v${v.version}`)));
  const form = h('form', { class: 'inline', id: 'alias-form' }, 'Set alias ', alias, ' → ', version,
    h('button', { type: 'submit' }, 'Set'),
    h('button', { type: 'button', onclick: () => alias.value && act('Removing the alias', () => send('DELETE',
      `${MLFLOW}/registered-models/alias?name=${encodeURIComponent(name)}&alias=${encodeURIComponent(alias.value)}`)) }, 'Remove'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act('Setting the alias', () => send('POST', `${MLFLOW}/registered-models/alias`, { name, alias: alias.value, version: version.value }));
  });
  return form;
}

async function showLineage(el, name, version) {
  try {
    const l = await get(`/api/2.0/chimp/lineage?name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}`);
    const datasets = Object.entries(l.datasets || {}).map(([key, d]) => {
      const ref = typeof d === 'string' ? d : (d && d.ref) || '';
      const [dataset, v] = ref.split('@');
      return h('div', {}, `${key}: `, v ? h('a', { href: `#datasets/${encodeURIComponent(dataset)}/${encodeURIComponent(v)}` }, ref) : ref,
        d && d.content_hash ? h('code', { class: 'muted' }, ` ${String(d.content_hash).slice(0, 12)}`) : null);
    });
    fill(el, section(`Lineage of ${name} v${version}`, h('dl', { class: 'facts' },
      h('dt', {}, 'Plugin'), h('dd', {}, l.plugin ? `${l.plugin} ${l.plugin_version || ''}` : 'unknown'),
      h('dt', {}, 'Run'), h('dd', {}, l.run_id ? h('a', { href: `#experiments/run/${encodeURIComponent(l.run_id)}` }, l.run_id) : 'none'),
      h('dt', {}, 'Parent version'), h('dd', {}, l.parent ? h('a', { href: `#registry/${encodeURIComponent(l.parent.name)}` },
        `${l.parent.name} v${l.parent.version}`) : 'none'),
      h('dt', {}, 'Datasets'), h('dd', {}, datasets.length ? datasets : 'none'),
      h('dt', {}, 'Arguments'), h('dd', {}, h('pre', {}, JSON.stringify(l.arguments || {}, null, 2))))));
  } catch (err) {
    fill(el, section(`Lineage of ${name} v${version}`, errorBox(err)));
  }
}
