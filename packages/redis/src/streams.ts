import { randomBytes } from "node:crypto";
import type { HistoryOptions, Position, Recorded, Recovery } from "@scallion/core";
import type { PubSubMessage } from "@scallion/core/transport";
import type { Commands } from "./commands.js";
import { BINARY, encodeBody, FORMAT, POSITIONED } from "./frame.js";
import type { Link } from "./link.js";
import type { Names } from "./names.js";

/**
 * The topic's epoch, made anew (ARGV[1]) when the hash is missing (Redis lost it, or the topic is
 * new) or was written under another replication history: Redis replicates asynchronously, so a
 * replica promoted since (a failover), or a restart, may lack the last offsets, which would then
 * be given again to other messages. The replication id (`master_replid`) changes exactly then.
 * Sets `epoch` and whether it is new (`made`). KEYS[1]: meta hash.
 */
const EPOCH = `
local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
local made = redis.call('HGET', KEYS[1], 'replid') ~= replid
if made then redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'replid', replid) end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
`;

/**
 * Records a message and publishes it, atomically, so offsets and the order subscribers see agree:
 * the topic's epoch ({@link EPOCH}), the next offset, the entry in
 * the stream (trimmed to `size`), the frame with its position on the channel (PUBLISH, or SPUBLISH
 * on a cluster: the three names share the topic's hash tag, so they are on this shard).
 * KEYS: meta hash, stream, channel. ARGV: epoch if new, size, ttl (0: none), kind, payload, body,
 * flags, publish command.
 */
const RECORD = `${EPOCH}
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], '0-' .. offset, 'k', ARGV[4], 'd', ARGV[5], 'at', now)
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], 2 * ttl)
  redis.call('PEXPIRE', KEYS[2], 2 * ttl)
end
local digits = tostring(offset)
redis.call(ARGV[8], KEYS[3], string.char(${FORMAT}, tonumber(ARGV[7]), #epoch) .. epoch .. string.char(#digits) .. digits .. ARGV[6])
return {epoch, offset}
`;

/**
 * Where a topic stands and, if asked and covered, what came after a position: {epoch, offset, 1,
 * kind, payload, …} when covered, {epoch, offset, 0} when not (or not asked).
 * KEYS: meta hash, stream. ARGV: epoch if new, from epoch ("" for none), from offset, size, ttl (0: none).
 */
const RECOVER = `${EPOCH}
if made and tonumber(ARGV[5]) > 0 then redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[5])) end
local offset = tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')
local from = tonumber(ARGV[3])
if ARGV[2] ~= epoch or from > offset then return {epoch, offset, 0} end
local missed = offset - from
if missed == 0 then return {epoch, offset, 1} end
if missed > tonumber(ARGV[4]) then return {epoch, offset, 0} end
local entries = redis.call('XRANGE', KEYS[2], '0-' .. (from + 1), '+', 'COUNT', missed)
if #entries ~= missed or entries[1][1] ~= '0-' .. (from + 1) then return {epoch, offset, 0} end
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  local t = redis.call('TIME')
  if tonumber(entries[1][2][6]) + ttl <= t[1] * 1000 + math.floor(t[2] / 1000) then return {epoch, offset, 0} end
end
local out = {epoch, offset, 1}
for _, entry in ipairs(entries) do
  out[#out + 1] = entry[2][2]
  out[#out + 1] = entry[2][4]
end
return out
`;

/**
 * Topics' history in Redis: a stream per topic (`<prefix>history:{<topic>}`, entries `0-<offset>`,
 * `MAXLEN` the topic's `size`), and a hash (`<prefix>meta:{<topic>}`) with its epoch, last offset
 * and the replication id it was written under. A Redis that restarts without persistence has lost
 * both, and a restarted or promoted (failed over) one has another replication id, so the next use
 * makes a new epoch and every older position is "not recovered". With `ttl`, an entry older than it does not
 * count as history, and a topic untouched for twice that is removed (it starts a new epoch).
 */
export class StreamHistory {
  readonly #link: Link;
  readonly #commands: Commands;
  readonly #names: Names;

  constructor(link: Link, commands: Commands, names: Names) {
    this.#link = link;
    this.#commands = commands;
    this.#names = names;
  }

  /** Records and publishes `message` (to `channel`): its position, or false if Redis could not take it. */
  record(message: PubSubMessage, channel: string, options: HistoryOptions): Position | false | Promise<Position | false> {
    const { topic, data } = message;
    const binary = typeof data !== "string";
    const args = [
      "EVAL", RECORD, "3", this.#names.meta(topic), this.#names.stream(topic), channel,
      newEpoch(), String(options.size), String(options.ttl ?? 0), binary ? "b" : "t",
      typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      encodeBody(message), String((binary ? BINARY : 0) | POSITIONED), this.#link.publishCommand,
    ];
    return this.#commands.run(
      async (): Promise<Position | false> => {
        const [epoch, offset] = (await this.#link.send(channel, args)) as [string, number];
        return { epoch, offset };
      },
      () => false,
    );
  }

  /** Where `topic` stands and what it has after `from`; `undefined` if Redis could not answer. */
  recover(topic: string, options: HistoryOptions, from?: Position): Recovery | undefined | Promise<Recovery | undefined> {
    const args = [
      "EVAL", RECOVER, "2", this.#names.meta(topic), this.#names.stream(topic),
      newEpoch(), from?.epoch ?? "", String(from?.offset ?? 0), String(options.size), String(options.ttl ?? 0),
    ];
    return this.#commands.run(
      async (): Promise<Recovery | undefined> => {
        const reply = (await this.#link.send(this.#names.meta(topic), args, true)) as [Buffer, number, number, ...Buffer[]];
        const [epoch, offset, covered, ...entries] = reply;
        const position = { epoch: epoch.toString(), offset };
        if (from === undefined || covered === 0) return { position, messages: undefined };
        const messages: Recorded[] = [];
        for (let i = 0; i < entries.length; i += 2) {
          const payload = entries[i + 1] as Buffer;
          const text = (entries[i] as Buffer).toString() === "t";
          messages.push({ data: text ? payload.toString() : payload, offset: from.offset + 1 + i / 2 });
        }
        return { position, messages };
      },
      () => undefined,
    );
  }
}

function newEpoch(): string {
  return randomBytes(6).toString("base64url");
}
