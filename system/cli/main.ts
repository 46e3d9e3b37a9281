#!/usr/bin/env node
import { sayStopsWhileStarting } from "./starting-signals.js";

// Before the rest of nicsim loads, which takes most of a second.
sayStopsWhileStarting();
await import("./program.js");
