/**
 * The chat page: plain HTML and a module script that loads Scallion's browser client from the
 * same server. `?room=` picks the room (default `lobby`), `?name=` the name.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scallion chat</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1d2a1d; }
  header { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; }
  h1 { font-size: 1.4rem; margin: 0; }
  #status { font-size: .85rem; padding: .1rem .5rem; border-radius: 1rem; background: #eee; }
  #status[data-state="open"] { background: #d8f0d0; }
  #status[data-state="reconnecting"], #status[data-state="connecting"] { background: #fff2c0; }
  #status[data-state="closed"] { background: #f6d0d0; }
  #log { list-style: none; padding: .5rem; margin: 1rem 0; height: 55vh; overflow-y: auto; border: 1px solid #ccd; border-radius: .4rem; }
  #log li { padding: .15rem 0; }
  #log li.notice { color: #667; font-style: italic; }
  #log .from { font-weight: 600; }
  /* Names and lines are laid out on their own: a right-to-left text cannot reorder what follows it. */
  #log .from, #log .text { unicode-bidi: isolate; }
  #log li.closed { color: #8a1c1c; font-style: normal; }
  #log li.missing { color: #8a5a00; }
  form { display: flex; gap: .5rem; }
  form label { align-self: center; }
  #message { flex: 1; padding: .4rem; font: inherit; }
  #send { padding: .4rem 1rem; font: inherit; }
</style>
</head>
<body>
<header>
  <h1>#<span id="room"></span></h1>
  <span><span id="members">0</span> online · <span id="status" data-state="connecting">connecting</span></span>
</header>
<ul id="log" aria-live="polite"></ul>
<form id="composer">
  <label for="message">Message</label>
  <input id="message" name="message" autocomplete="off" maxlength="2000" required>
  <button id="send" type="submit">Send</button>
</form>
<script type="module">
import { connect, json } from "/scallion-client.js";

const params = new URLSearchParams(location.search);
const room = params.get("room") || "lobby";
const name = params.get("name");
document.getElementById("room").textContent = room;
document.title = "#" + room + " · Scallion chat";

const log = document.getElementById("log");
const status = document.getElementById("status");
const members = document.getElementById("members");
const input = document.getElementById("message");

function append(from, text, notice) {
  const item = document.createElement("li");
  if (notice) {
    item.className = "notice";
    item.textContent = text;
  } else {
    const who = document.createElement("span");
    who.className = "from";
    who.textContent = from;
    const line = document.createElement("span");
    line.className = "text";
    line.textContent = text;
    item.append(who, ": ", line);
  }
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

const path = "/chat/" + encodeURIComponent(room) + (name ? "?name=" + encodeURIComponent(name) : "");
const client = connect(path, { incoming: json() });
// Why the server ended the connection, for the codes it does not reconnect after.
const CLOSED = new Map([
  ["rate limit exceeded", "you sent messages too fast"],
  ["byte rate limit exceeded", "you sent too much text too fast"],
]);
client.on("state", (change) => {
  status.textContent = change.state;
  status.dataset.state = change.state;
  if (change.state !== "closed") return;
  const why = CLOSED.has(change.reason) ? ": " + CLOSED.get(change.reason) : "";
  const how = change.code + (change.reason ? " " + change.reason : "");
  append(null, "Disconnected" + why + " (" + how + "). Reload the page to rejoin.", true);
  log.lastChild.classList.add("closed");
  input.disabled = true;
});
// The client resumes the room by itself after a reconnect: what was said meanwhile arrives as
// messages, in order and once. When the room's history no longer covers the time away, say so.
function missing(text) {
  append(null, text, true);
  log.lastChild.classList.add("missing");
}
client.on("resume", ({ recovered }) => {
  if (!recovered) missing("Reconnected, but some messages may be missing: you were away longer than this room keeps them.");
});
client.on("gap", () => missing("Some messages may be missing here."));
client.on("message", (message) => {
  if (message.type === "message") append(message.from, message.text, false);
  else if (message.type === "notice") missing(message.text);
  else if (message.type === "join" || message.type === "leave") {
    members.textContent = String(message.members);
    append(message.from, message.from + (message.type === "join" ? " joined" : " left"), true);
  }
});

document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (text === "") return;
  // Sent now, or queued while reconnecting and sent once, in order, when the connection is back.
  client.sendJson({ type: "message", text });
  input.value = "";
});
</script>
</body>
</html>
`;
