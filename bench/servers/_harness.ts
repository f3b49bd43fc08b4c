/**
 * Preloaded into every server the runner starts (`--import`): SIGUSR2 runs a full garbage
 * collection (with `--expose-gc`), so memory is read after it, and with `REPORT_HEAP` set prints
 * the heap then in use (`heap-used <bytes>`); SIGTERM exits normally, so `--cpu-prof` gets to
 * write its profile.
 */
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  if (process.env.REPORT_HEAP) console.log(`heap-used ${process.memoryUsage().heapUsed}`);
});
process.once("SIGTERM", () => process.exit(0));
