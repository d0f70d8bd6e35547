// A form generated from a plugin's PluginInfo: one input per typed argument (type, default, bounds) and one
// dataset choice per declared dataset key.
import { h } from './dom.js';

/**
 * The input for one argument {name, type: str|int|float|bool|json, kind, default, min, max, optional, description};
 * an argument naming a user (kind "user", as calibration's) starts with the signed-in user's name.
 */
export function argumentInput(arg, user) {
  const id = `arg-${arg.name}`;
  const common = { id, name: arg.name, 'data-type': arg.type };
  const dflt = arg.default ?? (arg.kind === 'user' ? user : null);
  let input;
  switch (arg.type) {
    case 'int':
    case 'float':
      input = h('input', { ...common, type: 'number', step: arg.type === 'int' ? '1' : 'any',
        min: arg.min ?? null, max: arg.max ?? null, value: dflt ?? '', required: !arg.optional });
      break;
    case 'bool':
      input = h('select', common, ['true', 'false'].map((v) => h('option', { value: v, selected: String(dflt) === v }, v)));
      break;
    case 'json':
      input = h('textarea', { ...common, rows: 3, required: !arg.optional },
        dflt === null || dflt === undefined ? '' : JSON.stringify(dflt));
      break;
    default:
      input = h('input', { ...common, type: 'text', maxlength: 1000, value: dflt ?? '', required: !arg.optional });
  }
  const bounds = arg.min !== undefined || arg.max !== undefined
    ? ` (${arg.min ?? '−∞'} … ${arg.max ?? '∞'})` : '';
  return h('div', { class: 'field' },
    h('label', { for: id }, arg.name, h('span', { class: 'type' }, ` ${arg.type}${bounds}${arg.optional ? '' : ', required'}`)),
    input,
    h('small', { class: 'muted' }, arg.description || ''));
}

/** The dataset choice for one dataset key: a dataset's newest version or a pinned one ("name@3"). */
export function datasetInput(spec, datasets) {
  const id = `dataset-${spec.name}`;
  const options = [h('option', { value: '' }, spec.optional ? '(none)' : '(choose a dataset)')];
  for (const d of datasets) {
    options.push(h('option', { value: d.name }, `${d.name} (newest, v${d.version})`));
    for (let v = d.version - 1; v >= 1 && v > d.version - 5; v--) {
      options.push(h('option', { value: `${d.name}@${v}` }, `${d.name}@${v}`));
    }
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, `dataset “${spec.name}”`, h('span', { class: 'type' }, spec.optional ? '' : ' required')),
    h('select', { id, name: `dataset:${spec.name}`, required: !spec.optional }, options),
    h('small', { class: 'muted' }, spec.description || ''));
}

/**
 * The form fields as POST /tasks/run/{plugin} takes them: "datasets" as a JSON map and each argument that differs
 * from its default (the server fills in defaults and checks types and bounds again).
 */
export function formBody(form, plugin) {
  const body = new URLSearchParams();
  const datasets = {};
  for (const spec of Object.values(plugin.datasets || {})) {
    const v = form.elements[`dataset:${spec.name}`].value;
    if (v) {
      datasets[spec.name] = v;
    }
  }
  body.set('datasets', JSON.stringify(datasets));
  for (const arg of Object.values(plugin.arguments || {})) {
    const v = form.elements[arg.name].value.trim();
    const dflt = arg.default === null || arg.default === undefined ? ''
      : (arg.type === 'json' ? JSON.stringify(arg.default) : String(arg.default));
    if (v !== '' && v !== dflt) {
      body.set(arg.name, v);
    }
  }
  return body;
}
