import { inject, injectable } from "../../sim/di.js";
import { type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { NicSystem } from "../nic-system.js";
import type { LoadedScenario } from "./load.js";
import { ScenarioTraffic } from "./scenario-traffic.js";

export const LoadedScenarioToken = Symbol("LoadedScenario");

/** A NIC system running a scenario's traffic, at `top.traffic`. */
@injectable()
export class ScenarioSystem extends NicSystem {
  readonly traffic: ScenarioTraffic;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(LoadedScenarioToken) loaded: LoadedScenario) {
    super(context);
    this.traffic = this.child(ScenarioTraffic, "traffic");
    this.traffic.attach(this, loaded);
  }
}
