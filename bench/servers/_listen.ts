/** Where every benchmark server listens: `PORT` (0 picks a free port) on `HOST`, 127.0.0.1 by default. */
export const port = Number(process.env.PORT ?? 8080);
export const host = process.env.HOST ?? "127.0.0.1";

/** Prints the line the runner and `_process.ts` wait for: it must carry `ws://127.0.0.1:<port>`. */
export function announce(name: string, boundPort: number): void {
  console.log(`${name}: ws://${host}:${boundPort}/echo and ws://${host}:${boundPort}/room`);
}
