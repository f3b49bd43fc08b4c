import type { HistoryConfig } from "@scallion/core";

/**
 * What each room keeps so that a page that lost its connection is shown what was said meanwhile
 * (the page's client resumes by itself; `resume()` in the chat's chain applies its position):
 * the last 500 messages, joins and leaves included, for 10 minutes. A page away longer, or
 * further behind, is told "not recovered" and says that some messages may be missing.
 */
export const HISTORY = { "chat:*": { size: 500, ttl: 10 * 60_000 } } as const satisfies HistoryConfig;
