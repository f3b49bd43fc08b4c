import { now } from "./clock.js";

/** 0.1 ms buckets up to 60 s: fixed memory however many deliveries are counted. */
const BUCKET_MS = 0.1;
const BUCKETS = 600_000;

/** What a holder counted of a stream of numbered messages. */
export interface TallyReport {
  deliveries: number;
  /** A message a connection had already received (its number not above the last one's). */
  duplicates: number;
  /** Messages a connection never received: skipped numbers, and those missing at the end. */
  missing: number;
  /** Latency histogram, sparse: [bucket (0.1 ms), deliveries]. */
  latencies: [number, number][];
}

/**
 * Counts, at every held connection, the numbered messages `m <seq> <sent at>` one publisher
 * sends in order (0, 1, 2 …): each delivery's latency (sent and received on the machine's one
 * monotonic clock), and whether every connection got every number exactly once.
 */
export class Tally {
  #last = new Int32Array(0);
  #histogram = new Uint32Array(BUCKETS);
  #deliveries = 0;
  #duplicates = 0;
  #skipped = 0;

  /** Starts over, for `connections` connections. */
  reset(connections: number): void {
    this.#last = new Int32Array(connections).fill(-1);
    this.#histogram.fill(0);
    this.#deliveries = this.#duplicates = this.#skipped = 0;
  }

  /** Whether `text` was one of the numbered messages (and counted) or something else. */
  record(connection: number, text: string): boolean {
    if (!text.startsWith("m ")) return false;
    const [, seq, sentAt] = text.split(" ");
    const n = Number(seq);
    const last = this.#last[connection] as number;
    if (n <= last) this.#duplicates++;
    else {
      this.#skipped += n - last - 1;
      this.#last[connection] = n;
    }
    this.#deliveries++;
    const bucket = Math.min(BUCKETS - 1, Math.floor((now() - Number(sentAt)) / BUCKET_MS));
    this.#histogram[bucket] = (this.#histogram[bucket] as number) + 1;
    return true;
  }

  /** The counts, given that the publisher sent `sent` messages. */
  report(sent: number): TallyReport {
    let missing = this.#skipped;
    for (const last of this.#last) missing += sent - 1 - last;
    const latencies: [number, number][] = [];
    this.#histogram.forEach((count, bucket) => count > 0 && latencies.push([bucket, count]));
    return { deliveries: this.#deliveries, duplicates: this.#duplicates, missing, latencies };
  }
}

/** The latency at quantile `q` (0…1) of merged histograms, in ms. */
export function quantile(histograms: readonly [number, number][][], q: number): number {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const [bucket, count] of h) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  const sorted = [...merged].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  let seen = 0;
  for (const [bucket, count] of sorted) {
    seen += count;
    if (seen >= q * total) return (bucket + 0.5) * BUCKET_MS;
  }
  return Number.NaN;
}
