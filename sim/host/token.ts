import type { InjectionToken } from "../di.js";
import type { HostMemory } from "./memory.js";

/** The one host memory of a system, shared by the driver and the device's DMA. */
export const HostMemoryToken: InjectionToken<HostMemory> = Symbol("HostMemory");
