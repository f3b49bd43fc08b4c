// A client as a user writes it: sends one message, prints the answer, leaves.
import { createClient } from "@scallion/client";

const client = createClient(`${process.argv[2]}/echo?token=secret`);
client.send(JSON.stringify({ type: "message", text: "hi" }));
for await (const message of client) {
  console.log(message);
  break;
}
await client.close();
