/**
 * crossws on its Node adapter (which bundles `ws`). Its `publish` skips the sender, so the room
 * also sends to itself, as the crossws chat example does.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import crossws from "crossws/adapters/node";
import { announce, host, port } from "./_listen.js";

const ws = crossws({
  hooks: {
    open(peer) {
      if (peer.namespace === "/room") peer.subscribe("room");
    },
    message(peer, message) {
      const text = message.text();
      peer.send(text);
      if (peer.namespace === "/room") peer.publish("room", text);
    },
  },
});

const http = createServer();
http.on("upgrade", (req, socket, head) => void ws.handleUpgrade(req, socket, head));
http.listen(port, host, () => announce("crossws", (http.address() as AddressInfo).port));
