import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { us } from "../../sim/time.js";
import { buildNicSystem } from "../../system/build.js";

const { kernel, top } = buildNicSystem();
const driver = top.driver.base;
kernel.process("app", function* () {
  yield driver.whenReady();
  for (let sequence = 0; sequence < 30; sequence++) {
    for (let queue = 0; queue < 8; queue++) {
      yield* driver.transmit(queue, sequencedFrame("to-peer", queue, sequence, [60, 1514, 9000][(sequence + queue) % 3]!), { more: sequence % 5 !== 4 && sequence !== 29 });
    }
  }
});
const started = performance.now();
kernel.run({ until: us(2000) });
console.log(performance.now() - started, kernel.statistics);
