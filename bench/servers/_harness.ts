/**
 * Preloaded into every server the runner starts (`--import`): SIGUSR2 runs a full garbage
 * collection (with `--expose-gc`), so memory is read after it; SIGTERM exits normally, so
 * `--cpu-prof` gets to write its profile.
 */
process.on("SIGUSR2", () => globalThis.gc?.());
process.once("SIGTERM", () => process.exit(0));
