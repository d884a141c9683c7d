// A module resolve hook (registered with `node:module`'s `register`): every import of
// `isomorphic-ws` gets ./authorized-ws.mjs, so the stock WebSocket adapter signs its upgrade.
export async function resolve(specifier, context, next) {
  if (specifier === 'isomorphic-ws') {
    return { url: new URL('./authorized-ws.mjs', import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
