// The API client: every request carries the token in the Authorization
// header. The token lives in memory and in sessionStorage (this tab only,
// gone when it closes), never in a URL, a cookie or localStorage.

const kTokenKey = 'zf.token';
let token = sessionStorage.getItem(kTokenKey) || '';

export function signedIn() {
  return token !== '';
}

export function signIn(value) {
  token = value;
  sessionStorage.setItem(kTokenKey, value);
}

export function signOut() {
  token = '';
  sessionStorage.removeItem(kTokenKey);
}

// A refused request: the HTTP status and the API's error body
// ({"error", "message", "subject"}).
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body === 'object' && body ? body.message || body.error : String(body));
    this.status = status;
    this.body = typeof body === 'object' && body ? body : {error: 'http_' + status};
  }
}

// "?a=1&b=2" of the parameters that are set.
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '' && value !== false) q.set(key, value);
  }
  const text = q.toString();
  return text ? '?' + text : '';
}

function headers() {
  return {Authorization: 'Bearer ' + token};
}

async function request(path, params) {
  const res = await fetch(path + query(params), {headers: headers(), cache: 'no-store'});
  if (!res.ok) {
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      body = {error: 'http_' + res.status, message: text};
    }
    if (res.status === 429) body.retry_after = res.headers.get('Retry-After');
    throw new ApiError(res.status, body);
  }
  return res;
}

export async function get(path, params) {
  return (await request(path, params)).json();
}

// The body as a Blob (the dossier, JSON lines).
export async function getBlob(path) {
  return (await request(path)).blob();
}

// Follows GET /v1/events/stream (Server-Sent Events) with fetch(): an
// EventSource cannot send the Authorization header, and the token must not
// go into the URL. Calls onEvent(event) per event, onState('live' |
// 'retrying') as the connection changes; reconnects from the last position
// seen until `signal` aborts.
export async function follow(params, onEvent, onState, signal) {
  let from = params.from || 'end';
  while (!signal.aborted) {
    try {
      const res = await fetch('/v1/events/stream' + query({...params, from}),
                              {headers: headers(), cache: 'no-store', signal});
      if (!res.ok) throw new ApiError(res.status, {error: 'http_' + res.status});
      onState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').filter((l) => l.startsWith('data: '))
                            .map((l) => l.slice(6)).join('\n');
          if (!data) continue;  // a comment: keep-alive or the start position
          const event = JSON.parse(data);
          from = event.position + 1;
          onEvent(event);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    onState('retrying');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
