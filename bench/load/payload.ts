/** Every message the load generator sends is 64 bytes of JSON the full-stack server accepts. */
export const MESSAGE_BYTES = 64;

/** `{"type":"echo","data":"<tag>xxx…"}`, padded to {@link MESSAGE_BYTES}. */
export function payload(tag = ""): string {
  const head = `{"type":"echo","data":"${tag}`;
  const tail = `"}`;
  return head + "x".repeat(MESSAGE_BYTES - head.length - tail.length) + tail;
}
