// Datasets: every dataset's newest version, one dataset's versions, a version's label counts and sample images,
// and uploading a zip as a new version.
import { get, send, seg, filePath } from '../api.js';
import { go } from '../nav.js';
import { h, fill, table, section, errorBox, bytes, when } from '../dom.js';

const SAMPLES_PER_LABEL = 4;
const MAX_SAMPLE_GROUPS = 32; // split/label pairs shown with samples (a request each)

export async function render(main, session, [selected, selectedVersion]) {
  const list = await get('/datasets');
  const names = list.datasets.map((d) => d.name);
  main.append(
    section('Datasets', table([
      { title: 'Name', cell: (d) => h('a', { href: `#datasets/${encodeURIComponent(d.name)}`, class: 'dataset-link' }, d.name) },
      { title: 'Newest version', cell: (d) => d.version },
      { title: 'Files', cell: (d) => d.files },
      { title: 'Size', cell: (d) => bytes(d.bytes) },
      { title: 'Labels', cell: (d) => labelSummary(d.splits) },
      { title: 'Created', cell: (d) => when(d.created_at) },
    ], list.datasets, 'No datasets yet: upload a zip below.', { id: 'datasets-table' })),
    uploadForm(names),
  );
  if (selected) {
    const detail = h('div', { id: 'dataset-detail' });
    main.append(detail);
    try {
      await showDataset(detail, selected, selectedVersion);
    } catch (err) {
      detail.append(errorBox(err));
    }
  }
}

function labelSummary(splits) {
  return Object.entries(splits || {}).map(([split, labels]) => `${split}: ${Object.keys(labels).length} labels, `
    + `${Object.values(labels).reduce((a, b) => a + b, 0)} files`).join('; ');
}

async function showDataset(el, name, version) {
  const all = await get(`/datasets/${seg(name)}`);
  const newest = all.versions[all.versions.length - 1];
  const v = version || String(newest.version);
  const info = await get(`/datasets/${seg(name)}/versions/${seg(v)}`);
  el.append(section(`${name}: versions`, table([
    { title: 'Version', cell: (r) => h('a', { href: `#datasets/${encodeURIComponent(name)}/${r.version}` }, String(r.version)) },
    { title: 'Files', cell: (r) => r.files },
    { title: 'Size', cell: (r) => bytes(r.bytes) },
    { title: 'Content hash', cell: (r) => h('code', { title: r.content_hash }, String(r.content_hash).slice(0, 12)) },
    { title: 'Created', cell: (r) => when(r.created_at) },
  ], all.versions.slice().reverse())));
  const counts = [];
  for (const [split, labels] of Object.entries(info.splits || {})) {
    for (const [label, n] of Object.entries(labels)) {
      counts.push({ split, label, n });
    }
  }
  // one row per label, one column per split
  const splits = Object.keys(info.splits || {});
  const labels = [...new Set(counts.map((c) => c.label))].sort();
  const samples = h('div', { class: 'samples', id: 'samples' });
  el.append(section(`${name}@${info.version}: labels`,
    h('p', { class: 'muted' }, `Parent: ${info.parent || 'none'} · created by ${info.created_by || 'unknown'} · `,
      h('a', { href: `/datasets/${seg(name)}/versions/${seg(info.version)}/download` }, 'download zip')),
    table([
      { title: 'Label', cell: (label) => label },
      ...splits.map((split) => ({ title: split, cell: (label) => (info.splits[split][label] ?? 0) })),
    ], labels, 'No files.', { id: 'label-counts' }),
    h('h3', {}, 'Samples'), samples));
  for (const c of counts.slice(0, MAX_SAMPLE_GROUPS)) {
    const files = await get(`/datasets/${seg(name)}/versions/${seg(info.version)}/files?prefix=`
      + `${encodeURIComponent(`${c.split}/${c.label}/`)}&limit=${SAMPLES_PER_LABEL}`);
    samples.append(h('figure', {},
      files.files.map((f) => h('img', { src: `/datasets/${seg(name)}/versions/${seg(info.version)}/files/${filePath(f.path)}`,
        alt: f.path, title: f.path, loading: 'lazy', class: 'thumb' })),
      h('figcaption', {}, `${c.split}/${c.label}`)));
  }
}

function uploadForm(names) {
  const status = h('div', { class: 'status' });
  const form = h('form', { id: 'upload-form', class: 'stacked' },
    h('label', {}, 'Dataset name ',
      h('input', { name: 'dataset_name', required: true, maxlength: 64, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]*', list: 'dataset-names' })),
    h('datalist', { id: 'dataset-names' }, names.map((n) => h('option', { value: n }))),
    h('label', {}, 'Zip in the layout train/<label>/*.png|jpg (optional test/…) ',
      h('input', { name: 'file', type: 'file', accept: '.zip,application/zip', required: true })),
    h('button', { type: 'submit' }, 'Upload as a new version'),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(status, 'Uploading…');
    try {
      const v = await send('POST', '/datasets', new FormData(form));
      form.reset();
      go(`#datasets/${encodeURIComponent(v.name)}/${v.version}`);
    } catch (err) {
      fill(status, errorBox(err));
    }
  });
  return section('Upload', form);
}
