// HTTP client for /api/v1: bearer key from session storage, problem+json errors, 401 -> key prompt.
const KEY_STORAGE = 'expothesis.apiKey';
export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /** The problem's `errors` map (field -> messages), normalized to arrays of strings. */
  get fieldErrors() {
    const out = {};
    const errors = this.problem.errors;
    if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
      for (const [field, messages] of Object.entries(errors)) {
        out[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
      }
    }
    return out;
  }
}

export function getKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ''; } catch { return ''; }
}

export function setKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch { /* storage unavailable: the key lives for this request only */ }
  document.getElementById('key-button')?.toggleAttribute('hidden', !key);
}

let pendingPrompt = null;

/** Shows the key dialog once, however many requests were refused at the same time. */
export function promptForKey(message) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById('key-dialog');
  const form = document.getElementById('key-form');
  const input = document.getElementById('key-input');
  const cancel = document.getElementById('key-cancel');
  if (message) dialog.querySelector('p').textContent = message;
  input.value = getKey();
  pendingPrompt = new Promise((resolve) => {
    const done = (key) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      pendingPrompt = null;
      resolve(key);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      setKey(key);
      done(key);
    };
    const onCancel = (e) => { e.preventDefault(); done(''); };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

async function readBody(res) {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return { detail: text }; }
}

export async function request(method, path, body, attempt = 0) {
  const headers = { Accept: 'application/json' };
  const key = getKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API_BASE + path, init);
  } catch (err) {
    throw new ApiError(0, { title: 'Network error', detail: `The server did not answer (${err.message}).` });
  }
  if (res.status === 401 && attempt < 3) {
    const entered = await promptForKey(key
      ? 'The API key was refused. Enter another key.'
      : 'This server requires an API key. It is kept in this tab\'s session storage only.');
    if (entered) return request(method, path, body, attempt + 1);
  }
  const data = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body),
  del: (path) => request('DELETE', path),
};

/** URL for an EventSource, which cannot send headers: the key goes in the query string. */
export function liveUrl(path) {
  const key = getKey();
  return API_BASE + path + (key ? `${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(key)}` : '');
}

export function enc(segment) {
  return encodeURIComponent(segment);
}

/** GET /experiments may answer a bare array or an object holding one. */
export function experimentList(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.experiments)) return data.experiments;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}
