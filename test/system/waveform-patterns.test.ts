import { describe, expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

describe("a scenario's waveform patterns are checked before the run", () => {
  test("an exclude pattern that matches nothing of the design, excludes that leave the waveform no signal, and a pattern that is not one are refused at their places, with every other mistake", () => {
    const excluding = (exclude: string, scopes = '["top.nic.tx"]') => `${VALID}outputs:\n  waveformScopes: ${scopes}\n  waveformExclude: ${exclude}\n`;
    expect(problems(excluding('["top.nic.tx.q0", "nic.tx.q1", "nosuch"]'))).toEqual([
      "s.yaml:27:38: outputs.waveformExclude[1]: 'nic.tx.q1' excludes no signal of the design (did you mean top.nic.tx.q1? design paths start at top)",
      "s.yaml:27:51: outputs.waveformExclude[2]: 'nosuch' excludes no signal of the design",
    ]);
    // One outside the scopes is no mistake: it matches the design, and the scopes' signals stay.
    expect(problems(excluding('["top.nic.rx"]'))).toEqual([]);
    expect(problems(excluding('["top.nic"]'))).toEqual(["s.yaml:27:3: outputs.waveformExclude: excludes every signal outputs.waveformScopes select: the waveform would hold none"]);
    expect(problems(`${VALID}outputs:\n  waveformExclude: ["top"]\n`)).toEqual(["s.yaml:26:3: outputs.waveformExclude: excludes every signal of the design: the waveform would hold none"]);
    // An empty list of scopes selected nothing: the run wrote a dump without a signal.
    expect(problems(excluding("[]", "[]"))).toEqual(["s.yaml:26:3: outputs.waveformScopes: an empty list selects no signal: leave waveformScopes out to record every signal, or set outputs.waveform: false"]);
    // The recorder refused a pattern that is not one only as the run started, alone and at no place.
    expect(problems(excluding('["top/nic"]', '["top.nic", ""]'), "s.yaml", { "nic.queues": 99 })).toEqual([
      "--set nic.queues = 99: expected at most 8 (TX and RX queues (one per traffic class) and interrupt vectors besides the error vector)",
      "s.yaml:26:31: outputs.waveformScopes[1] = \"\": expected a dotted name pattern (names, '*', '**', '?', separated by '.')",
      "s.yaml:27:21: outputs.waveformExclude[0] = \"top/nic\": expected a dotted name pattern (names, '*', '**', '?', separated by '.')",
    ]);
  });

  test("a schema mistake elsewhere does not hide a pattern's: both are said in one pass, and a pattern naming a customer's signal is matched against that customer", () => {
    // A customer through IKE has a signal of its own (top.traffic.a_ready), which the stand-in design must have too.
    const withIke = VALID.replace("sas: 2", "sas: 2\n    ike: { mode: main, preSharedKey: key-a }");
    const broken = withIke.replace("durationMicroseconds: 50", "durationMicroseconds: -50");
    const patterns = 'outputs:\n  waveformScopes: ["top.nic.txx*", "top.traffic.a_ready"]\n  waveformExclude: ["nic.tx.*"]\n';
    expect(problems(`${broken}${patterns}`)).toEqual([
      "s.yaml:2:1: durationMicroseconds = -50: expected more than 0",
      "s.yaml:27:20: outputs.waveformScopes[0]: 'top.nic.txx*' selects no signal of the design",
      "s.yaml:28:21: outputs.waveformExclude[0]: 'nic.tx.*' excludes no signal of the design (did you mean top.nic.tx.*? design paths start at top)",
    ]);
    // The same, the schema's mistake mended: the same pattern problems, found on the scenario's own design.
    expect(problems(`${withIke}${patterns}`)).toEqual([
      "s.yaml:27:20: outputs.waveformScopes[0]: 'top.nic.txx*' selects no signal of the design",
      "s.yaml:28:21: outputs.waveformExclude[0]: 'nic.tx.*' excludes no signal of the design (did you mean top.nic.tx.*? design paths start at top)",
    ]);
    // A customer or an output the schema refuses does not hide them: the customers' names (which signals carry) and the patterns that are patterns are enough.
    const patternProblems = ["s.yaml:27:20: outputs.waveformScopes[0]: 'top.nic.txx*' selects no signal of the design", "s.yaml:28:21: outputs.waveformExclude[0]: 'nic.tx.*' excludes no signal of the design (did you mean top.nic.tx.*? design paths start at top)"];
    expect(problems(`${broken.replace("sas: 2", "sas: 0")}${patterns}`)).toEqual(["s.yaml:2:1: durationMicroseconds = -50: expected more than 0", "s.yaml:18:5: customers[0].sas = 0: expected at least 1", ...patternProblems]);
    expect(problems(`${withIke}${patterns}  samples: 5\n`)).toEqual([...patternProblems, "s.yaml:29:3: outputs.samples = 5: expected at least 10"]);
    // An exclude that is no pattern is said; the scopes are still judged.
    expect(problems(`${withIke}${patterns.replace('"nic.tx.*"', '"top.nic.["')}`)).toEqual([patternProblems[0], "s.yaml:28:21: outputs.waveformExclude[0] = \"top.nic.[\": expected a dotted name pattern (names, '*', '**', '?', separated by '.')"]);
    // A customer's `ike` the schema refuses is still one through IKE (its signal is there), a name given twice stands once, and a scope that is no pattern does not keep the others from being judged.
    const tangled = withIke.replace("ike: { mode: main, preSharedKey: key-a }", "ike: main").replace("traffic:", "  - name: a\n    identity: { type: ID_KEY_ID, value: b }\ntraffic:");
    expect(problems(`${tangled}outputs:\n  waveformScopes: ["top.traffic.a_ready", "top.[x", "nic.**"]\n`)).toEqual([
      "s.yaml:19:5: customers[0].ike = <secret>: expected a mapping",
      "s.yaml:20:5: customers[1].name: customer 'a' is defined twice (first as customers[0]'s name, at s.yaml:16:5)",
      "s.yaml:29:43: outputs.waveformScopes[1] = \"top.[x\": expected a dotted name pattern (names, '*', '**', '?', separated by '.')",
      "s.yaml:29:53: outputs.waveformScopes[2]: 'nic.**' selects no signal of the design (did you mean top.nic.**? design paths start at top)",
    ]);
    // A name with '_' (no domain name: the stand-in's identity is a key ID) did not keep the scenario's own mistakes from being said.
    const underscored = broken.replace(/\ba\b(?=[\n_])/g, "a_b").replace("customer: a\n", "customer: a_b\n");
    expect(problems(`${underscored}outputs:\n  waveformScopes: ["top.traffic.a_b_ready", "top.nic.txx*"]\n`)).toEqual([
      "s.yaml:2:1: durationMicroseconds = -50: expected more than 0",
      "s.yaml:27:45: outputs.waveformScopes[1]: 'top.nic.txx*' selects no signal of the design",
    ]);
    // A customer whose name is not one: which signals it has is not known, so the patterns are not judged.
    expect(problems(`${broken.replace("name: a\n", "name: 1a\n")}${patterns}`)).toEqual(["s.yaml:2:1: durationMicroseconds = -50: expected more than 0", "s.yaml:16:5: customers[0].name: a name of letters, digits, '-' and '_', starting with a letter", "s.yaml:22:5: traffic[0].customer: no customer 'a' (customers: 1a)"]);
  });
});
