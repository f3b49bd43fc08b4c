// A client as a user writes it: sends one message, prints the answer, leaves; then one without
// the token, which the server refuses with 401, prints how it stopped.
import { createClient } from "@scallion/client";

const client = createClient(`${process.argv[2]}/echo?token=secret`);
client.send(JSON.stringify({ type: "message", text: "hi" }));
for await (const message of client) {
  console.log(message);
  break;
}
await client.close();

const { error } = await createClient(`${process.argv[2]}/echo`).closed;
console.log(JSON.stringify({ code: error?.code, status: error?.status }));
