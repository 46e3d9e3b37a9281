import { inject, injectable } from "../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import { BaseDriver } from "./base/driver.js";
import { HostCpu } from "./cpu/host-cpu.js";
import { IntermediateDriver } from "./intermediate/driver.js";

/** The host's driver stack: the intermediate driver (IPsec) above the base (NIC) driver, both running on the host's CPU cores. */
@injectable()
export class DriverStack extends Component {
  readonly cpu: HostCpu;
  readonly base: BaseDriver;
  readonly intermediate: IntermediateDriver;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.cpu = this.child(HostCpu, "cpu");
    this.container.register(HostCpu, { useValue: this.cpu });
    this.base = this.child(BaseDriver, "base");
    this.container.register(BaseDriver, { useValue: this.base });
    this.intermediate = this.child(IntermediateDriver, "intermediate");
  }
}
