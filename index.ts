/**
 * nicsim as a library: build the NIC (with or without the built-in drivers), drive it from your
 * own processes through registers, descriptors in host memory and interrupts, run, and read
 * what the device says about it. Scenarios, sweeps and the VCD reader are here too.
 */
export { buildNic, diagnostics, type DeviceDiagnostics } from "./system/hardware.js";
export { buildNicSystem, type SystemOptions } from "./system/build.js";
export { NicHardware, NicSystem } from "./system/nic-system.js";
export * as registers from "./hw/spec/registers.js";
export * as descriptors from "./hw/spec/descriptors.js";
export * as saRecord from "./hw/spec/sa-record.js";
export { ErrorCode, errorCodeName, FieldCode, fieldCodeName, type ErrorCodeName, type FieldCodeName } from "./hw/spec/errors.js";
export { registerValue, type DeviceBus } from "./hw/spec/bus.js";
export { delay, edge, until, type ProcessBody } from "./sim/process.js";
export { ps, ns, us, ms, periodOfMegahertz, formatTime } from "./sim/time.js";
export { Kernel } from "./sim/kernel.js";
export { container, inject, injectable } from "./sim/di.js";
export { buildDesign, ClockedComponent, Component, type ComponentContext, ComponentContextToken, type Design, type DesignOptions } from "./sim/component.js";
export { Channel } from "./sim/channel.js";
export { param } from "./sim/parameters.js";
export { sequencedFrame, frameSequence } from "./sim/packet/test-frames.js";
export { readVcd, readVcdAsWritten, type WrittenValue } from "./sim/vcd/read-vcd.js";
export { recordWaveform } from "./sim/vcd/waveform.js";
export { recordCapture } from "./hw/link/capture.js";
export { defaultScenario } from "./system/scenario/default-scenario.js";
export { checkScenario, loadScenarioFile, parseScenarioText, ScenarioError } from "./system/scenario/load.js";
export { buildScenario, runScenario } from "./system/scenario/run.js";
export { runSweep, sweepGrid } from "./system/scenario/sweep.js";
export { scenarioSchema, type Scenario, type ScenarioInput } from "./system/scenario/schema.js";
// The swap points (README): register another under the token in the container given to buildNic or buildNicSystem.
// The built-in policy of placement: metric (seed 003's), as top.driver.intermediate.policy is then: its metrics and threshold can be read.
export { MetricPlacement } from "./driver/caching/metric-placement.js";
export { InstallIfFree, SaPlacementPolicyToken, type NotInTable, type PeriodicDecision, type PlacementDecision, type SaPlacementPolicy, type TableView } from "./driver/intermediate/policy.js";
export { BLOCKED, ClassScheduler, EMPTY, QueueSchedulerFactoryToken, WAITING, type ClassSchedulerOptions, type QueueSchedule, type QueueScheduler, type QueueSchedulerFactory } from "./hw/qos/class-scheduler.js";
export { AesGcmBackendToken, type AesGcmBackend, type IcvLength } from "./sim/crypto/backend.js";
export { NodeCryptoBackend } from "./sim/crypto/node-backend.js";
export { NobleBackend } from "./sim/crypto/noble-backend.js";
