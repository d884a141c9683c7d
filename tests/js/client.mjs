// The stock automerge-repo client pieces, resolved from this package (its exports pick the node
// build that initialises automerge's wasm), for scenarios outside it.
export { Repo, decodeHeads, cbor } from '@automerge/automerge-repo';
export { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
// The CRDT engine, for a client that crafts its own messages (the hostile-client scenario:
// changes sent out of their order; `cbor` above is the repo's own message encoding).
export * as Automerge from '@automerge/automerge';
