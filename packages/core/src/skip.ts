/** Returned by a {@link mapReceiver} function to leave a message out. */
export const SKIP: unique symbol = Symbol("scallion.skip");

/** What `mapReceiver()` maps each message with: a value for the reader, or {@link SKIP}. */
export type Mapper<A, B> = (value: A) => B | typeof SKIP;
