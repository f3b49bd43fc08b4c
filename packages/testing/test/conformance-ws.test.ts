import { lifecycleTests } from "./_conformance.js";

lifecycleTests("ws");
