// `isomorphic-ws` for a node automerge-repo client of Tiến độ: the `ws` WebSocket with the
// session's bearer token on the upgrade request (automerge-repo's WebSocketClientAdapter builds
// `new WebSocket(url)` itself, with no way to add headers). The token is read from
// `globalThis.TIENDO_BEARER` when the socket opens, so a client may sign in first.
import WebSocket from 'ws';

export default class AuthorizedWebSocket extends WebSocket {
  constructor(url, protocols, options = {}) {
    const headers = { ...(options.headers || {}) };
    if (globalThis.TIENDO_BEARER) headers.Authorization = `Bearer ${globalThis.TIENDO_BEARER}`;
    super(url, protocols, { ...options, headers });
  }
}
export { AuthorizedWebSocket as WebSocket };
