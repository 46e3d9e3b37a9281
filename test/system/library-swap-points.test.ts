import { expect, test } from "vitest";
import {
  type AesGcmBackend,
  AesGcmBackendToken,
  buildNicSystem,
  ClassScheduler,
  container,
  defaultScenario,
  InstallIfFree,
  type IcvLength,
  MetricPlacement,
  NodeCryptoBackend,
  type NotInTable,
  type PlacementDecision,
  type QueueSchedulerFactory,
  QueueSchedulerFactoryToken,
  runScenario,
  type SaPlacementPolicy,
  SaPlacementPolicyToken,
  sequencedFrame,
  us,
} from "nicsim";

// From a driver developer's check: the README says to register another under these tokens, and none of them, nor what implements them, came from "nicsim".
test("the swap points are the package's own: a placement policy, a scheduler and a crypto backend registered through tokens imported from 'nicsim' are the ones a run uses", () => {
  const asked = { placement: 0, picks: 0, seals: 0 };
  const policy: SaPlacementPolicy = new (class extends InstallIfFree {
    override decide(miss: NotInTable): PlacementDecision {
      asked.placement++;
      return super.decide(miss);
    }
  })();
  const scheduler: QueueSchedulerFactory = (queues, lineBytesPerPicosecond) => {
    const inner = new ClassScheduler(queues, lineBytesPerPicosecond);
    return new Proxy(inner, { get: (target, key) => (key === "pick" ? (...args: Parameters<ClassScheduler["pick"]>) => (asked.picks++, target.pick(...args)) : Reflect.get(target, key)) });
  };
  const node = new NodeCryptoBackend();
  const backend: AesGcmBackend = {
    name: "counting",
    encryptBlocks: (key, blocks) => node.encryptBlocks(key, blocks),
    seal: (key, nonce, aad, plaintext, icvLength: IcvLength) => (asked.seals++, node.seal(key, nonce, aad, plaintext, icvLength)),
    sealInPlace: (...args) => (asked.seals++, node.sealInPlace(...args)),
    open: (...args) => node.open(...args),
  };
  const scope = container.createChildContainer();
  scope.register(SaPlacementPolicyToken, { useValue: policy });
  scope.register(QueueSchedulerFactoryToken, { useValue: scheduler });
  scope.register(AesGcmBackendToken, { useValue: backend });
  const summary = runScenario(defaultScenario({ durationMicroseconds: 40, "outputs.waveform": false, "driver.intermediate.placement": "token" }), { directory: null, container: scope }).summary;
  expect(summary.flows.every((flow) => flow.lost === 0)).toBe(true);
  expect(asked.placement).toBeGreaterThan(0);
  expect(asked.picks).toBeGreaterThan(0);
  expect(asked.seals).toBeGreaterThan(0);
}, 60_000);

// From a driver developer's check: a pick of 99, NaN or a queue with no frame stopped the run as "Cannot read properties of undefined (reading 'ring')".
test.each([
  [99, "pick() returned 99: expected -1 (none) or a queue from 0 to 3"],
  [Number.NaN, "pick() returned NaN: expected -1 (none) or a queue from 0 to 3"],
  [3, "pick() returned 3: queue 3 has no frame to serve now (its size is -1: EMPTY -1, BLOCKED -2, WAITING -3)"],
])("a registered scheduler whose pick() returns %s stops the run naming the scheduler, what it returned and what was expected", (picked, message) => {
  const scheduler: QueueSchedulerFactory = (queues, lineBytesPerPicosecond) => {
    const inner = new ClassScheduler(queues, lineBytesPerPicosecond);
    return new Proxy(inner, { get: (target, key) => (key === "pick" ? (now: number, size: (queue: number) => number) => (target.pick(now, size) >= 0 ? picked : -1) : Reflect.get(target, key)) });
  };
  const scope = container.createChildContainer();
  scope.register(QueueSchedulerFactoryToken, { useValue: scheduler });
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 4 }, container: scope });
  kernel.process("sender", function* () {
    yield top.driver.base.whenReady();
    yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, 0, 100));
  });
  expect(() => kernel.run({ until: us(50) })).toThrow(`the queue scheduler registered under QueueSchedulerFactoryToken: ${message}`);
});

// From the same check: "installl" was taken for software without a word, and undefined failed inside with a TypeError.
test.each([
  ["installl", '"installl"'],
  [undefined, "undefined"],
  [{ replace: null }, "an object (replace) naming no SA it could take"],
])("a registered placement policy whose decide() returns %s stops the run naming the policy, what it returned and what was expected", (decision, shown) => {
  const policy: SaPlacementPolicy = { name: "mine", decide: () => decision as never };
  const scope = container.createChildContainer();
  scope.register(SaPlacementPolicyToken, { useValue: policy });
  expect(() => runScenario(defaultScenario({ durationMicroseconds: 40, "outputs.waveform": false, "driver.intermediate.placement": "token" }), { directory: null, container: scope })).toThrow(
    `the SA placement policy 'mine' (SaPlacementPolicyToken): decide() returned ${shown}: expected "software", "install" or { replace: one of the SAs cached in the`,
  );
}, 60_000);

// From the same check: an open() of the wrong length stopped the run as "Offset is outside the bounds of the DataView".
test("a registered crypto backend whose open() returns the wrong length stops the run naming the backend, the call and what was expected", () => {
  const node = new NodeCryptoBackend();
  const backend: AesGcmBackend = {
    name: "short",
    encryptBlocks: (key, blocks) => node.encryptBlocks(key, blocks),
    seal: (...args) => node.seal(...args),
    sealInPlace: (...args) => node.sealInPlace(...args),
    open: (...args) => node.open(...args)?.subarray(1) ?? null,
  };
  const scope = container.createChildContainer();
  scope.register(AesGcmBackendToken, { useValue: backend });
  expect(() => runScenario(defaultScenario({ durationMicroseconds: 40, "outputs.waveform": false }), { directory: null, container: scope })).toThrow(/the crypto backend 'short' \(AesGcmBackendToken\): open\(\) returned \d+ bytes: expected null \(the ICV does not verify\) or a Uint8Array of \d+ bytes \(the plaintext\)/);
}, 60_000);

// From a re-check: a periodic decision without its replace key (JavaScript's way to say none) was refused once decisions were checked.
test("a registered policy's periodic decision may leave replace out: the SA is installed in a free entry", () => {
  let installs = 0;
  const policy = {
    name: "periodic",
    period: 5_000_000,
    decide: () => "software" as const,
    periodic: (view: { uncached: readonly unknown[]; freeEntries: number }) => (view.uncached.length > 0 && view.freeEntries > 0 ? { install: view.uncached[0] } : null),
    installed: () => void installs++,
  } as unknown as SaPlacementPolicy;
  const scope = container.createChildContainer();
  scope.register(SaPlacementPolicyToken, { useValue: policy });
  runScenario(defaultScenario({ durationMicroseconds: 40, "outputs.waveform": false, "driver.intermediate.placement": "token" }), { directory: null, container: scope });
  expect(installs).toBeGreaterThan(0);
}, 60_000);

// From a new user's check: a policy registered beside the default scenario's placement: metric was never asked, and nothing said so.
test("a placement policy registered while the scenario says placement: metric is refused before the run, naming the parameter's line and the fix", () => {
  const scope = container.createChildContainer();
  scope.register(SaPlacementPolicyToken, { useValue: new InstallIfFree() });
  expect(() => runScenario(defaultScenario({ durationMicroseconds: 40, "outputs.waveform": false }), { directory: null, container: scope })).toThrow(
    /driver\.intermediate\.placement = "?metric"?: a placement policy \('install-if-free'\) is registered under SaPlacementPolicyToken, and under metric it would not be used: set placement to token to use it/,
  );
});

// From a library user's check: placement: metric's policy was not exported, so the driver's policy could not be narrowed to read its metrics.
test("under placement: metric the driver's policy is the exported MetricPlacement, whose threshold and metrics can be read; under token with none registered, InstallIfFree", () => {
  const policyOf = (placement: string) => buildNicSystem({ seed: 1, parameters: { "top.driver.intermediate.placement": placement } }).top.driver.intermediate.policy;
  const metric = policyOf("metric");
  expect(metric).toBeInstanceOf(MetricPlacement);
  expect((metric as MetricPlacement).period).toBeGreaterThan(0);
  expect(policyOf("token")).toBeInstanceOf(InstallIfFree);
});
