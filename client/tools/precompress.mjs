// Stores each file's brotli (quality 11) and gzip (level 9) forms beside it, for the server to
// send as they are (`Content-Encoding`), and prints the totals: `node precompress.mjs FILE...`.
// Node's own zlib: nothing to install.
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

let raw = 0, br = 0, gz = 0;
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  const b = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  const g = gzipSync(bytes, { level: 9 });
  writeFileSync(`${file}.br`, b);
  writeFileSync(`${file}.gz`, g);
  raw += bytes.length;
  br += b.length;
  gz += g.length;
}
console.log(JSON.stringify({ raw, br, gz }));
