// The stock automerge-repo client pieces, resolved from this package (its exports pick the node
// build that initialises automerge's wasm), for scenarios outside it.
export { Repo, decodeHeads } from '@automerge/automerge-repo';
export { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
