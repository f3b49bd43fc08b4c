export { compose } from "./compose.js";
export type { AnyMiddleware, ChainMessage, ChainScope, Composed, InnerMessageOf, InnerScopeOf } from "./compose.js";
export { mount, router } from "./router.js";
export type { RouteParams, Router, RouterOptions, Routes, RouteScope } from "./router.js";
export { LOCAL_ORIGINS, origin } from "./origin.js";
export type { OriginOptions } from "./origin.js";
