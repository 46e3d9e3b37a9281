import { checkedBackend } from "../sim/crypto/checked-backend.js";
import { inject, injectable } from "../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import { HostMemory } from "../sim/host/memory.js";
import { HostMemoryToken } from "../sim/host/token.js";
import { param } from "../sim/parameters.js";
import { RemotePeer } from "../hw/link/peer.js";
import { Wire, WireToken } from "../hw/link/wire.js";
import { Nic } from "../hw/nic.js";
import { DeviceBusToken } from "../hw/spec/bus.js";
import { DriverStack } from "../driver/stack.js";
import { AesGcmBackendToken } from "../sim/crypto/backend.js";
import { CRYPTO_BACKENDS, cryptoBackend, DEFAULT_CRYPTO_BACKEND } from "../sim/crypto/backend-choice.js";

/**
 * A host's memory, the NIC on its bus, a wire, and the remote peer at the wire's far end: no
 * driver. Bring your own, written against `nic` (the DeviceBus: MMIO reads and posted writes,
 * interrupt events) and `memory` only.
 */
@injectable()
export class NicHardware extends Component {
  readonly params = this.parameters({
    hostMemoryGuard: param.boolean(true, "Throw when the host CPU touches memory outside every allocation (catches driver bugs)"),
    cryptoBackend: param.choice(DEFAULT_CRYPTO_BACKEND, CRYPTO_BACKENDS, "AES-GCM the model computes with: node (node:crypto, OpenSSL) or noble (@noble/ciphers, pure JavaScript); the same bytes either way"),
  });
  readonly memory: HostMemory;
  readonly wire: Wire;
  readonly nic: Nic;
  readonly peer: RemotePeer;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.memory = new HostMemory({ guard: this.params.hostMemoryGuard });
    // The chosen backend, unless the caller registered one of its own (a test's, wrapping another).
    // One of the caller's has what it returns checked (registered in this design's own container: the caller's is left as it was).
    const given = this.container.isRegistered(AesGcmBackendToken, true) ? this.container.resolve(AesGcmBackendToken) : null;
    this.container.register(AesGcmBackendToken, { useValue: given === null ? cryptoBackend(this.params.cryptoBackend) : checkedBackend(given) });
    this.container.register(HostMemoryToken, { useValue: this.memory });
    this.wire = this.child(Wire, "wire");
    this.container.register(WireToken, { useValue: this.wire });
    this.nic = this.child(Nic, "nic");
    this.container.register(DeviceBusToken, { useValue: this.nic });
    this.peer = this.child(RemotePeer, "peer");
  }
}

/**
 * A host with its driver stack and NIC, a wire, and the remote peer at the wire's far end.
 * The driver reaches the NIC only through the DeviceBus and host memory registered here.
 */
@injectable()
export class NicSystem extends NicHardware {
  readonly driver: DriverStack;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.driver = this.child(DriverStack, "driver");
  }
}
