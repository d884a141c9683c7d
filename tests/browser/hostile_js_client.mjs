// A hostile unit editor with npm's stock JavaScript automerge-repo and automerge (tests/js), as
// tests/tests/authority_rests_on_what_the_server_saw.rs runs it against the real server. No
// browser: what it does, any developer can do with the published packages.
//
// 1. It submits its unit's Q1 report honestly with the stock Repo (the test checks it stored).
// 2. It forges the head's approval of that submission in a change that depends on an ordinary
//    edit (a figure), and sends the forgery *first*, on one socket, and the figure after it, on
//    another — so the forgery waits for its dependency and the figure, which touches no step,
//    would complete it. Then once more with both in one message, the forgery first.
// 3. A second unit's editor submits its Q1 report with its device time set to 1 March 2025,
// 4. writes a change whose own time says 01/01/2025, and
// 5. asks to upload a file of the first unit it knows only by its hash, names the hash in its
//    own report, and asks for the bytes.
//
// Env: BASE; EDITOR, EDITOR_PASSWORD, HEAD (the unit's head), TASK (a task it leads);
// LATE_EDITOR, LATE_PASSWORD, CLAIMED_MS (the backdated device time); THEIR_SHA256, THEIR_SIZE
// (the first unit's evidence file).

import { register } from 'node:module';
import { emit, env, handOver, scenario } from './harness.mjs';

register('../js/ws-hook.mjs', import.meta.url);
const { Repo, WebSocketClientAdapter, Automerge, cbor } = await import('../js/client.mjs');
const { WebSocket } = await import('../js/authorized-ws.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const raw = (s) => new Automerge.RawString(s);

async function signIn(base, username, password) {
  const res = await fetch(new URL('/api/login', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  const me = await (await fetch(new URL('/api/me', base), { headers: { authorization: `Bearer ${token}` } })).json();
  const own = me.documents.find((d) => d.kind === 'progress' && d.unit_id === me.user.unit_id);
  return { token, me, own };
}

/** A reporting step as the app writes it (scalar strings, integer times). */
function step(id, action, by, role, at, heads, on) {
  return {
    id: raw(id),
    action: raw(action),
    by: raw(by),
    role: raw(role),
    at,
    skew: 0,
    heads: heads.map(raw),
    on: raw(on),
    note: raw(''),
  };
}

/** The stock client submits `own`'s Q1 report at device time `at`; returns the document. */
async function submitWithStockClient(base, user, at, task) {
  globalThis.TIENDO_BEARER = user.token;
  const repo = new Repo({
    network: [new WebSocketClientAdapter(base.replace(/^http/, 'ws').replace(/\/$/, '') + user.me.sync_path)],
    peerId: `js-${user.me.user.username}-${process.pid}`,
  });
  const handle = await repo.find(user.own.url);
  handle.change((d) => {
    if (task) {
      d.tasks[task] = { q1: { status: 'in_progress', percent: 20, result: 'Đang thực hiện' } };
    }
  });
  const heads = Automerge.getHeads(handle.doc());
  const id = `${user.me.user.username}-${at}-js`;
  handle.change((d) => {
    if (!d.reports) d.reports = {};
    if (!d.reports.q1) d.reports.q1 = [];
    d.reports.q1.push(step(id, 'submit', user.me.user.username, user.me.user.role, at, heads, ''));
  });
  return { repo, handle, id };
}

/** A raw protocol connection signed in as `token`, joined as `peer`. */
async function connect(base, token, peer) {
  globalThis.TIENDO_BEARER = token;
  const ws = new WebSocket(base.replace(/^http/, 'ws').replace(/\/$/, '') + '/sync');
  ws.binaryType = 'nodebuffer';
  const closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const server = new Promise((r) =>
    ws.on('message', (b) => {
      const m = cbor.decode(b);
      if (m.type === 'peer') r(m.senderId);
    }),
  );
  ws.send(cbor.encode({ type: 'join', senderId: peer, peerMetadata: {}, supportedProtocolVersions: ['1'] }));
  const target = await server;
  return {
    closed,
    /** Sends `changes` of document `docId` in one sync message announcing `heads`. */
    send(docId, changes, heads) {
      const data = Automerge.encodeSyncMessage({ heads, need: [], have: [], changes });
      ws.send(cbor.encode({ type: 'sync', senderId: peer, targetId: target, documentId: docId, data }));
    },
    close() {
      ws.close();
    },
  };
}

/** Closed within `ms`, or `null`. */
async function closedWithin(conn, ms) {
  return Promise.race([conn.closed, sleep(ms).then(() => null)]);
}

scenario(async () => {
  const base = env('BASE');
  const head = env('HEAD');
  const editor = await signIn(base, env('EDITOR'), env('EDITOR_PASSWORD'));
  const docId = editor.own.url.replace(/^automerge:/, '');

  // 1. The honest submission, through the stock client.
  const honest = await submitWithStockClient(base, editor, Date.now(), env('TASK'));
  await handOver('submitted', { submission: honest.id });
  const base_doc = Automerge.load(Automerge.save(honest.handle.doc()));
  const heads = Automerge.getHeads(base_doc);
  await honest.repo.shutdown();

  // 2. The forgery, sent before the figure it depends on.
  const forge = (percent, id) => {
    // A fresh actor each time, as a new device would have.
    const figure = Automerge.change(Automerge.load(Automerge.save(base_doc)), (d) => {
      d.tasks[env('TASK')].q1.percent = percent;
    });
    const forged = Automerge.change(Automerge.clone(figure), (d) => {
      d.reports.q1.push(step(id, 'approve', head, 'unit_head', Date.now(), heads, honest.id));
    });
    return {
      figure: Automerge.getChanges(base_doc, figure),
      forged: Automerge.getChanges(figure, forged),
      heads: Automerge.getHeads(forged),
      figureHeads: Automerge.getHeads(figure),
    };
  };
  const first = forge(60, 'forged-approval');
  const a = await connect(base, editor.token, `hostile-a-${process.pid}`);
  a.send(docId, first.forged, first.heads);
  await sleep(700);
  const b = await connect(base, editor.token, `hostile-b-${process.pid}`);
  b.send(docId, first.figure, first.figureHeads);
  const outOfOrder = await closedWithin(b, 5000);
  a.close();
  emit('out-of-order', { closed: outOfOrder });

  const second = forge(70, 'forged-approval-2');
  const c = await connect(base, editor.token, `hostile-c-${process.pid}`);
  c.send(docId, [...second.forged, ...second.figure], second.heads);
  const together = await closedWithin(c, 5000);
  c.close();
  await handOver('one-message', { closed: together });

  // 3. A late report with its device time set back.
  const late = await signIn(base, env('LATE_EDITOR'), env('LATE_PASSWORD'));
  const backdated = await submitWithStockClient(base, late, Number(env('CLAIMED_MS')), null);
  await handOver('backdated', { submission: backdated.id });

  // 4. A change whose own time says 01/01/2025 (the history must show when it arrived).
  backdated.handle.change(
    (d) => {
      d.tasks[env('TASK')] = { q1: { status: 'in_progress', percent: 15, result: 'Ghi lùi ngày' } };
    },
    { time: 1_735_689_600 },
  );
  const dated = Automerge.getHeads(backdated.handle.doc())[0];
  await handOver('dated-change', { hash: dated });

  // 5. Another unit's file, known only by its hash: ask to upload it (does the server say it
  // has it?), then name it in this unit's own report and ask for its bytes.
  const sha = env('THEIR_SHA256');
  const b64 = (v) => Buffer.from(v).toString('base64');
  const lateDoc = late.own.url.replace(/^automerge:/, '');
  const created = await fetch(new URL('/api/files/uploads', base), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${late.token}`,
      'tus-resumable': '1.0.0',
      'upload-length': env('THEIR_SIZE'),
      'upload-metadata': `sha256 ${b64(sha)},name ${b64('cua-don-vi-khac.pdf')},type ${b64('application/pdf')},doc ${b64(lateDoc)}`,
    },
  });
  backdated.handle.change((d) => {
    d.tasks[env('TASK')].q1.evidence = [
      { id: raw('ev-hash'), files: [{ sha256: raw(sha), name: raw('cua-don-vi-khac.pdf'), mime: raw('application/pdf'), size: Number(env('THEIR_SIZE')) }] },
    ];
  });
  await handOver('named', {
    created: created.status,
    offset: created.headers.get('upload-offset'),
  });
  const read = await fetch(new URL(`/api/files/${sha}`, base), { headers: { authorization: `Bearer ${late.token}` } });
  emit('read-by-hash', { status: read.status });
  await backdated.repo.shutdown();
});
