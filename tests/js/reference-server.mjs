// The reference automerge-repo sync server (as automerge-repo-sync-server runs it): a Repo over
// a WebSocket server and file storage, sharing nothing on its own initiative and answering every
// request. Listens on 127.0.0.1, an OS-chosen port; prints `listening <port>` when ready.
//
//   node reference-server.mjs <storage dir>
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node reference-server.mjs <storage dir>");
  process.exit(2);
}
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: `reference-server-${process.pid}`,
  sharePolicy: async () => false,
});
wss.on("listening", () => console.log(`listening ${wss.address().port}`));
process.on("SIGTERM", () => process.exit(0));
