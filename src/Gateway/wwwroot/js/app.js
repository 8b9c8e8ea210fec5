// Entry point: hash router. Each page renders into <main> and returns a cleanup function.
import { renderList } from './pages/list.js';
import { renderBuilder } from './pages/builder.js';
import { renderDetail } from './pages/detail.js';
import { getKey, promptForKey } from './api.js';
import { h, replace } from './dom.js';

const main = document.getElementById('main');
let cleanup = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/experiments';
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(query) };
}

function setNav(name) {
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  if (cleanup) {
    try { cleanup(); } catch { /* a page's cleanup must not block navigation */ }
    cleanup = null;
  }
  const { parts, query } = parseHash();
  let result;
  if (parts.length === 0 || (parts[0] === 'experiments' && parts.length === 1)) {
    setNav('list');
    document.title = 'Experiments · Expothesis.Fast';
    result = renderList(main, { status: query.get('status') || '' });
  } else if (parts[0] === 'new') {
    setNav('new');
    document.title = 'New experiment · Expothesis.Fast';
    result = renderBuilder(main);
  } else if (parts[0] === 'experiments' && parts.length >= 2) {
    setNav('');
    result = renderDetail(main, parts[1]);
  } else {
    setNav('');
    replace(main, h('div', { class: 'panel' }, h('h1', null, 'Not found'),
      h('p', null, 'No page here. ', h('a', { href: '#/experiments' }, 'Back to experiments'))));
  }
  cleanup = typeof result === 'function' ? result : null;
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

const keyButton = document.getElementById('key-button');
keyButton.hidden = !getKey();
keyButton.addEventListener('click', async () => {
  const key = await promptForKey('Change or clear the API key used by this tab.');
  if (key) route();
});

window.addEventListener('hashchange', route);
route();
