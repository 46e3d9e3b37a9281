import { inject, injectable } from "../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import { BaseDriver } from "./base/driver.js";

/** The host's driver stack: the base (NIC) driver, and the IPsec layer above it once it exists. */
@injectable()
export class DriverStack extends Component {
  readonly base: BaseDriver;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.base = this.child(BaseDriver, "base");
  }
}
