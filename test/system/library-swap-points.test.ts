import { expect, test } from "vitest";
import {
  type AesGcmBackend,
  AesGcmBackendToken,
  ClassScheduler,
  container,
  defaultScenario,
  InstallIfFree,
  type IcvLength,
  NodeCryptoBackend,
  type NotInTable,
  type PlacementDecision,
  type QueueSchedulerFactory,
  QueueSchedulerFactoryToken,
  runScenario,
  type SaPlacementPolicy,
  SaPlacementPolicyToken,
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
