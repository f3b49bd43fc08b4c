// The chat on every core: WORKERS node:cluster workers (default: one per core) share PORT, each
// running main.ts, with rooms, members and lines shared through this primary (@scallion/cluster).
// SIGINT or SIGTERM closes every worker gracefully, then the primary.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { startClusterHub } from "@scallion/cluster";
import { closeOnSignal } from "@scallion/core";

if (cluster.isPrimary) {
  startClusterHub();
  const workers = Array.from({ length: Number(process.env.WORKERS ?? availableParallelism()) }, () => cluster.fork());
  closeOnSignal(() =>
    Promise.all(
      workers.map((worker) => {
        const exited = new Promise((resolve) => worker.once("exit", resolve));
        if (worker.isConnected()) worker.process.kill("SIGTERM");
        return exited;
      }),
    ),
  );
} else {
  await import("./main.js");
}
