import type { AddressInfo } from "node:net";
import { createMetricsServer } from "./app.js";

const { http, endpoint } = createMetricsServer();
const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
http.listen(port, process.env.HOST ?? "127.0.0.1", () => {
  const { address, port: bound } = http.address() as AddressInfo;
  console.log(`metrics example: ws://${address}:${bound}/echo, metrics on http://${address}:${bound}/metrics`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    http.close();
    endpoint.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
