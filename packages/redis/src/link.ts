import type { RedisArgument, RedisClientType, RedisClusterOptions, RedisClusterType } from "redis";
import { createClient, createCluster, RESP_TYPES } from "redis";

/** Where a Redis Cluster is: a few of its nodes, from which the client learns the rest. */
export interface ClusterOptions {
  /** Some nodes of the cluster, `[{ url: "redis://10.0.0.1:6379" }, …]`; one that answers is enough. */
  rootNodes: { url: string }[];
  /**
   * Settings for every node connection (credentials, TLS), as node-redis's `createCluster({ defaults })`;
   * Scallion sets the reconnection strategy and `disableOfflineQueue` itself.
   */
  defaults?: RedisClusterOptions["defaults"];
}

/** Longest pause between reconnection attempts, in ms: how late delivery can resume after Redis is back. */
export const MAX_RECONNECT_DELAY = 1_000;

/** Retry quickly at first, then every second, for as long as it takes. */
const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY);

export type FrameListener = (frame: Buffer, channel: Buffer) => void;

/** The commands presence uses; a client and a cluster both have them (a cluster routes each by key). */
export type Commander = Pick<RedisClientType, "hGetAll" | "hSet" | "hDel" | "exists" | "set" | "expire" | "del">;

const AS_BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

/**
 * Scallion's connections to Redis, one server or a cluster: commands (publishes, scripts,
 * presence) and subscriptions. Nothing is queued while a connection is down: a command fails at
 * once. On a cluster, channels are shard channels (SSUBSCRIBE, SPUBLISH): each on the shard that
 * holds its slot, and the client follows a failover there by itself.
 */
export interface Link {
  readonly commander: Commander;
  /** `PUBLISH`, or `SPUBLISH` on a cluster: how a script publishes a frame. */
  readonly publishCommand: "PUBLISH" | "SPUBLISH";
  /** Whether commands can be sent now (on a cluster: the client is connected; a shard may still be down). */
  readonly ready: boolean;
  /** Whether subscriptions can be sent now, likewise. */
  readonly listening: boolean;
  /** Sends a raw command on the shard of `key` (a single server has one); `buffers` for blob replies as Buffers. */
  send(key: string, args: RedisArgument[], buffers?: boolean): Promise<unknown>;
  publish(channel: string, frame: Buffer): Promise<unknown>;
  subscribe(channels: string[], listener: FrameListener): Promise<unknown>;
  unsubscribe(channels: string[], listener: FrameListener): Promise<unknown>;
  /** Calls `back` each time a connection for commands is (re)established; on a cluster, one to any node. */
  onCommandsReady(back: () => void): void;
  /** Calls `back` each time a connection for subscriptions is, likewise. */
  onSubscriberReady(back: () => void): void;
  /** Calls `back` with each connection error (it reconnects by itself). */
  onError(back: (error: Error) => void): void;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** One Redis server: a connection for commands and a duplicate of it for subscriptions. */
class ServerLink implements Link {
  readonly publishCommand = "PUBLISH";
  readonly #publisher: RedisClientType;
  readonly #subscriber: RedisClientType;

  constructor(url: string) {
    this.#publisher = createClient({ url, socket: { reconnectStrategy }, disableOfflineQueue: true }) as RedisClientType;
    this.#subscriber = this.#publisher.duplicate() as RedisClientType;
  }

  get commander(): Commander {
    return this.#publisher;
  }

  get ready(): boolean {
    return this.#publisher.isReady;
  }

  get listening(): boolean {
    return this.#subscriber.isReady;
  }

  send(_key: string, args: RedisArgument[], buffers = false): Promise<unknown> {
    return this.#publisher.sendCommand(args, buffers ? AS_BUFFERS : undefined);
  }

  publish(channel: string, frame: Buffer): Promise<unknown> {
    return this.#publisher.publish(channel, frame);
  }

  subscribe(channels: string[], listener: FrameListener): Promise<unknown> {
    return this.#subscriber.subscribe(channels, listener, true);
  }

  unsubscribe(channels: string[], listener: FrameListener): Promise<unknown> {
    return this.#subscriber.unsubscribe(channels, listener, true);
  }

  onCommandsReady(back: () => void): void {
    this.#publisher.on("ready", back);
  }

  onSubscriberReady(back: () => void): void {
    this.#subscriber.on("ready", back);
  }

  onError(back: (error: Error) => void): void {
    this.#publisher.on("error", back);
    this.#subscriber.on("error", back);
  }

  async connect(): Promise<void> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#subscriber.close(), this.#publisher.close()]);
  }
}

/**
 * A Redis Cluster through one node-redis cluster client: commands go to the master of their key's
 * slot, shard channels to a subscriber connection per master. When a master fails, its commands
 * fail at once until the client has learnt the new topology (it asks again on every reconnection
 * attempt, `topologyRefreshOnReconnectionAttemptStrategy`), and it moves the shard channels to the
 * promoted replica by itself.
 */
class ClusterLink implements Link {
  readonly publishCommand = "SPUBLISH";
  readonly #cluster: RedisClusterType;

  constructor({ rootNodes, defaults }: ClusterOptions) {
    this.#cluster = createCluster({
      rootNodes,
      defaults: { ...defaults, socket: { ...defaults?.socket, reconnectStrategy }, disableOfflineQueue: true },
      topologyRefreshOnReconnectionAttemptStrategy: 1,
    }) as RedisClusterType;
  }

  get commander(): Commander {
    return this.#cluster;
  }

  get ready(): boolean {
    return this.#cluster.isReady;
  }

  get listening(): boolean {
    return this.#cluster.isReady;
  }

  send(key: string, args: RedisArgument[], buffers = false): Promise<unknown> {
    return this.#cluster.sendCommand(key, false, args, buffers ? AS_BUFFERS : undefined);
  }

  publish(channel: string, frame: Buffer): Promise<unknown> {
    return this.#cluster.sPublish(channel, frame);
  }

  // SSUBSCRIBE takes the channels of one slot only: one command per channel, sent together.
  subscribe(channels: string[], listener: FrameListener): Promise<unknown> {
    return Promise.all(channels.map((channel) => this.#cluster.sSubscribe(channel, listener, true)));
  }

  unsubscribe(channels: string[], listener: FrameListener): Promise<unknown> {
    return Promise.all(channels.map((channel) => this.#cluster.sUnsubscribe(channel, listener, true)));
  }

  onCommandsReady(back: () => void): void {
    this.#cluster.on("node-ready", back);
  }

  onSubscriberReady(back: () => void): void {
    this.#cluster.on("node-ready", back);
  }

  onError(back: (error: Error) => void): void {
    this.#cluster.on("error", back);
    this.#cluster.on("node-error", back);
  }

  async connect(): Promise<void> {
    await this.#cluster.connect();
  }

  async close(): Promise<void> {
    await this.#cluster.close().catch(() => undefined);
  }
}

/** Connections to the server at `url`, or to the cluster `cluster` describes. */
export function createLink(url: string, cluster: ClusterOptions | undefined): Link {
  return cluster === undefined ? new ServerLink(url) : new ClusterLink(cluster);
}
