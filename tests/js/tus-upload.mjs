// Uploads a file to a Tiến độ server with the stock npm tus client (tus-js-client), as any tus
// client would: `Upload-Metadata` with sha256, filename, filetype and the progress document,
// 256 KiB chunks, a bearer token. Prints one JSON line: the upload URL, or the error.
//
// Usage: node tus-upload.mjs BASE TOKEN FILE DOC_ID MIME

import fs from 'node:fs';
import crypto from 'node:crypto';
import * as tus from 'tus-js-client';

const [base, token, file, doc, mime] = process.argv.slice(2);
const bytes = fs.readFileSync(file);
const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
const upload = new tus.Upload(bytes, {
  endpoint: new URL('/api/files/uploads', base).href,
  headers: { Authorization: `Bearer ${token}` },
  metadata: { sha256, filename: 'tus-js-client.pdf', filetype: mime, doc },
  chunkSize: 256 * 1024,
  retryDelays: [],
  onError: (e) => {
    console.log(JSON.stringify({ error: String(e.message || e) }));
    process.exit(0);
  },
  onSuccess: () => {
    console.log(JSON.stringify({ url: upload.url, sha256 }));
    process.exit(0);
  },
});
upload.start();
