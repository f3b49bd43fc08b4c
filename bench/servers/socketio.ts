/**
 * Socket.IO, WebSocket transport only: the namespace `/echo` emits each message back, the
 * namespace `/room` puts every socket in the room "room" and emits each message to all of it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { announce, host, port } from "./_listen.js";

const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.of("/echo").on("connection", (socket) => {
  socket.on("message", (data: unknown) => socket.emit("message", data));
});

const room = io.of("/room");
room.on("connection", (socket) => {
  void socket.join("room");
  socket.on("message", (data: unknown) => room.to("room").emit("message", data));
});

http.listen(port, host, () => announce("socketio", (http.address() as AddressInfo).port));
