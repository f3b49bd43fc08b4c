import type { ServerStats } from "@scallion/core";

type Sample = readonly [labels: Readonly<Record<string, string | number>>, value: number];

function metric(name: string, type: "gauge" | "counter", help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${String(v)}"`);
    lines.push(`${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${value}`);
  }
  return lines.join("\n");
}

/**
 * `server.stats()` in the Prometheus text exposition format (version 0.0.4). Written by hand:
 * it is a dozen lines, where prom-client would add a registry, a dependency and a copy of state
 * that `stats()` already holds.
 */
export function prometheusText(stats: ServerStats): string {
  const one = (value: number): Sample[] => [[{}, value]];
  return (
    [
      metric("scallion_connections", "gauge", "Open WebSocket connections.", one(stats.connections)),
      metric("scallion_handshakes_pending", "gauge", "Upgrade requests not decided yet.", one(stats.handshakes)),
      metric("scallion_subscriptions", "gauge", "Topic subscriptions of local connections.", one(stats.subscriptions)),
      metric("scallion_queued_messages", "gauge", "Received messages waiting for their handler.", one(stats.queuedMessages)),
      metric("scallion_buffered_bytes", "gauge", "Bytes sent and not yet written to the network.", one(stats.bufferedBytes)),
      metric("scallion_messages_total", "counter", "Messages by direction.", [
        [{ direction: "in" }, stats.messagesIn],
        [{ direction: "out" }, stats.messagesOut],
      ]),
      metric("scallion_bytes_total", "counter", "Wire bytes by direction.", [
        [{ direction: "in" }, stats.bytesIn],
        [{ direction: "out" }, stats.bytesOut],
      ]),
      metric("scallion_messages_discarded_total", "counter", "Messages a push-only handler never read.", one(stats.messagesDiscarded)),
      metric("scallion_messages_skipped_total", "counter", "Published messages skipped for slow subscribers.", one(stats.messagesSkipped)),
      metric(
        "scallion_closes_total",
        "counter",
        "Ended connections by cause.",
        Object.entries(stats.closes).map(([cause, n]) => [{ cause }, n] as const),
      ),
      metric(
        "scallion_handshakes_rejected_total",
        "counter",
        "Refused handshakes by HTTP status.",
        Object.entries(stats.rejected).map(([status, n]) => [{ status }, n] as const),
      ),
    ].join("\n") + "\n"
  );
}
