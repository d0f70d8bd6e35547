// Calls CHIMP's REST endpoints with the session cookie; changes carry the session's CSRF token.

let csrfToken = null;

/** An HTTP error with the server's message (CHIMP's and MLflow's error shapes both carry "message"). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Who is signed in; keeps the CSRF token for later changes. A page without a session goes to the login form. */
export async function whoami() {
  const me = await get('/api/2.0/chimp/whoami');
  csrfToken = me.csrf_token || null;
  return me;
}

export function csrf() {
  return csrfToken;
}

export function get(path) {
  return call('GET', path);
}

/** POST/DELETE/...: body is FormData (multipart), URLSearchParams (a form) or any other value (sent as JSON). */
export function send(method, path, body) {
  return call(method, path, body);
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  if (body instanceof FormData || body instanceof URLSearchParams) {
    payload = body; // the browser sets the content type with its boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (res.status === 401) {
    window.location.assign('/login');
    throw new ApiError(401, 'Not signed in');
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!res.ok) {
    const message = json && json.message ? json.message : `${method} ${path}: HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  }
  return json === null ? text : json;
}

/** Path segments made safe for a URL. */
export function seg(...parts) {
  return parts.map((p) => encodeURIComponent(String(p))).join('/');
}

/** A file path inside a URL: each segment encoded, the slashes kept. */
export function filePath(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}
