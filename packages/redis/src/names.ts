/**
 * The names of Scallion's channels and keys in Redis, after the `prefix`. Each name of a topic
 * has the topic as its hash tag, `{<topic>}`, so that on a cluster a topic's channel, presence
 * and history hash to one slot, and live on one shard: the script that records and publishes a
 * message touches one shard, and topics spread over the shards. (Redis hashes the first `{…}`
 * of a name: the prefix must have no braces; in a topic that starts with `}` the tag is empty.)
 */
export class Names {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** The channel a topic's messages are published on: `<prefix>topic:{<topic>}`. */
  channel(topic: string): string {
    return `${this.#prefix}topic:{${topic}}`;
  }

  /** The topic of a channel named by {@link channel}. */
  topicOf(channel: Buffer): string {
    return channel.toString("utf8", this.#prefix.length + CHANNEL.length, channel.length - 1);
  }

  /** The hash of every node's subscriber count of a topic: `<prefix>presence:{<topic>}`. */
  presence(topic: string): string {
    return `${this.#prefix}presence:{${topic}}`;
  }

  /** A node's liveness key, which expires unless refreshed: `<prefix>node:<node>`. */
  node(node: string): string {
    return `${this.#prefix}node:${node}`;
  }

  /** The stream of a topic's history: `<prefix>history:{<topic>}`. */
  stream(topic: string): string {
    return `${this.#prefix}history:{${topic}}`;
  }

  /** The hash of a topic's epoch and last offset: `<prefix>meta:{<topic>}`. */
  meta(topic: string): string {
    return `${this.#prefix}meta:{${topic}}`;
  }
}

const CHANNEL = "topic:{";
