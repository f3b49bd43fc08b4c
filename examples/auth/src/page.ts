/** A page to try the example in a browser: sign in, then talk over /ws with the session cookie. */
export const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Scallion auth example</title>
<form id="login">
  <input name="name" placeholder="ann" autocomplete="username">
  <input name="password" type="password" placeholder="ann-password" autocomplete="current-password">
  <button>Sign in</button>
</form>
<button id="logout">Sign out</button>
<button id="connect">Connect to /ws</button>
<form id="say"><input name="text" placeholder="say something"><button>Send</button></form>
<pre id="log"></pre>
<script type="module">
  const log = (line) => (document.querySelector("#log").textContent += line + "\\n");
  let ws;
  document.querySelector("#login").onsubmit = async (event) => {
    event.preventDefault();
    const response = await fetch("/login", { method: "POST", body: new URLSearchParams(new FormData(event.target)) });
    log(response.ok ? "signed in as " + (await response.json()).name : "sign-in failed: " + response.status);
  };
  document.querySelector("#logout").onclick = async () => {
    const response = await fetch("/logout", { method: "POST" });
    log(response.ok ? "signed out: the session is revoked" : "sign-out failed: " + response.status);
  };
  document.querySelector("#connect").onclick = () => {
    ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws");
    ws.onmessage = (event) => log(event.data);
    ws.onclose = (event) => log("closed " + event.code + (event.reason ? " " + event.reason : ""));
  };
  document.querySelector("#say").onsubmit = (event) => {
    event.preventDefault();
    ws?.send(new FormData(event.target).get("text"));
  };
</script>
`;
