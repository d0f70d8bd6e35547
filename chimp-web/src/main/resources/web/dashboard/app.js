// The dashboard shell: who is signed in, the navigation, and one page at a time (by the URL's #fragment).
import { whoami, csrf } from './api.js';
import { fill, errorBox } from './dom.js';
import * as datasets from './pages/datasets.js';
import * as training from './pages/training.js';
import * as experiments from './pages/experiments.js';
import * as registry from './pages/registry.js';
import * as jobs from './pages/jobs.js';

const PAGES = { datasets, training, experiments, registry, jobs };
const main = document.getElementById('main');
let stop = null; // the current page's clean-up (its polling timers)
let session = null;
let shown = 0; // pages opened so far

async function show() {
  const [name, ...rest] = (window.location.hash.replace(/^#/, '') || 'datasets').split('/');
  const page = PAGES[name] ? name : 'datasets';
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === page);
    if (a.dataset.page === page) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  if (stop) {
    stop();
    stop = null;
  }
  // Each page draws into its own element: one still loading when the next is opened draws into a detached one,
  // and its polling is stopped as soon as it returns.
  const generation = ++shown;
  const view = document.createElement('div');
  fill(main, view);
  main.dataset.page = page;
  try {
    const stopPage = (await PAGES[page].render(view, session, rest.map(decodeURIComponent))) || null;
    if (generation === shown) {
      stop = stopPage;
    } else if (stopPage) {
      stopPage();
    }
  } catch (err) {
    view.append(errorBox(err));
  }
}

async function start() {
  const me = await whoami();
  session = { user: me.user, admin: me.role === 'admin', role: me.role };
  fill(document.getElementById('who'), `${me.user} (${me.role})`);
  document.querySelector('#logout input[name=_csrf]').value = csrf() || '';
  document.body.classList.toggle('admin', session.admin);
  window.addEventListener('hashchange', show);
  await show();
}

start().catch((err) => fill(main, errorBox(err)));
