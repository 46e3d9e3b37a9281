import { container as rootContainer, type DependencyContainer, type InjectionToken } from "./di.js";
import type { ClockDomain, Clocked, MemberSlot } from "./clock-domain.js";
import type { EnumType } from "./enum-type.js";
import type { Kernel } from "./kernel.js";
import { joinPath } from "./names.js";
import { ParameterError } from "./errors.js";
import { ParameterOverrides, parameterProblem, resolveParameter, type ParameterSpec, type ParameterSpecs, type ParameterValues } from "./parameters.js";
import type { ProcessBody, Process } from "./process.js";
import type { Random } from "./random.js";
import type { Signal, SignalOptions, WideSignal } from "./signal.js";
import type { SimEvent } from "./sim-event.js";

/** What every component receives from its parent through the container. */
export interface ComponentContext {
  readonly kernel: Kernel;
  readonly parent: Component | null;
  readonly name: string;
  readonly container: DependencyContainer;
  readonly overrides: ParameterOverrides;
  /** The clock domain the component runs in, inherited from the parent unless given. */
  readonly clock: ClockDomain | null;
}

/** Token under which a component's constructor receives its ComponentContext. */
export const ComponentContextToken: InjectionToken<ComponentContext> = Symbol("ComponentContext");

export interface DeclaredParameter {
  readonly path: string;
  readonly spec: ParameterSpec<unknown>;
  readonly value: unknown;
}

/**
 * A node of the model's component tree. Its name is its place in the tree (`top.nic.crypto`),
 * which names its signals in the waveform, its random stream and its parameters.
 *
 * Subclasses are tsyringe-injectable and take the context as their first constructor argument:
 *   @injectable() class Fifo extends ClockedComponent {
 *     constructor(@inject(ComponentContextToken) context: ComponentContext) { super(context); } }
 * A parent creates children by token, so a scenario or a test swaps one by registering another
 * class under that token.
 */
export abstract class Component {
  readonly path: string;
  readonly name: string;
  readonly kernel: Kernel;
  readonly parent: Component | null;
  readonly children: Component[] = [];
  readonly declaredParameters: DeclaredParameter[] = [];
  protected readonly container: DependencyContainer;
  protected readonly overrides: ParameterOverrides;
  protected readonly clockDomain: ClockDomain | null;
  private randomStream: Random | null = null;

  constructor(context: ComponentContext) {
    this.kernel = context.kernel;
    this.parent = context.parent;
    this.name = context.name;
    this.path = context.parent ? joinPath(context.parent.path, context.name) : context.name;
    this.container = context.container;
    this.overrides = context.overrides;
    this.clockDomain = context.clock;
    context.parent?.children.push(this);
  }

  /** This component's own random stream, derived from the kernel seed and its path. */
  get random(): Random {
    return (this.randomStream ??= this.kernel.random(this.path));
  }

  /** Resolve declared parameters against the overrides; records them for the parameter table. */
  protected parameters<S extends ParameterSpecs>(specs: S): ParameterValues<S> {
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(specs)) {
      const path = joinPath(this.path, key);
      values[key] = resolveParameter(path, spec, this.overrides);
      this.declaredParameters.push({ path, spec, value: values[key] });
    }
    return values as ParameterValues<S>;
  }

  /**
   * A declared value that fits its own bounds but not another value: reported with every other
   * misfit when the design is built, so one run names them all; the design is never run.
   */
  protected misfitParameter(key: string, why: string, weighedAgainst: readonly string[] = []): void {
    const path = joinPath(this.path, key);
    // A value refused on its own already, this one or one it is weighed against (`weighedAgainst`: keys of this component, or whole paths): weighed here was the default standing in, named as the user's (`--set …retransmitLimit = 3` for a given 1000).
    const weighed = [path, ...weighedAgainst.map((other) => (other.startsWith("top.") ? other : joinPath(this.path, other)))];
    if (weighed.some((other) => this.overrides.refused.has(other))) return;
    const value = this.declaredParameters.find((parameter) => parameter.path === path)?.value;
    this.overrides.misfit(parameterProblem(this.overrides.source, path, value, why));
  }

  /** Create a child by token in a child container; `clock` moves it into another domain. */
  protected child<T extends Component>(token: InjectionToken<T>, name: string, options: { clock?: ClockDomain } = {}): T {
    const container = this.container.createChildContainer();
    const context: ComponentContext = {
      kernel: this.kernel,
      parent: this,
      name,
      container,
      overrides: this.overrides,
      clock: options.clock ?? this.clockDomain,
    };
    container.register(ComponentContextToken, { useValue: context });
    return container.resolve(token);
  }

  protected signal(name: string, width: number, options?: SignalOptions): Signal {
    return this.kernel.signal(joinPath(this.path, name), width, options);
  }

  protected wideSignal(name: string, width: number, options?: SignalOptions): WideSignal {
    return this.kernel.wideSignal(joinPath(this.path, name), width, options);
  }

  protected enumSignal<N extends string>(name: string, enumType: EnumType<N>, options: { initial?: N; lastWriteWins?: boolean } = {}): Signal {
    return this.kernel.signal(joinPath(this.path, name), enumType.width, { enumType, initial: options.initial === undefined ? 0 : enumType.code(options.initial), lastWriteWins: options.lastWriteWins });
  }

  protected event(name: string): SimEvent {
    return this.kernel.event(joinPath(this.path, name));
  }

  protected process(name: string, body: ProcessBody | (() => ProcessBody)): Process {
    return this.kernel.process(joinPath(this.path, name), body);
  }

  /** Every component below and including this one, depth first in creation order. */
  *walk(): Generator<Component> {
    yield this;
    for (const child of this.children) yield* child.walk();
  }
}

/** A component evaluated on each rising edge of its clock domain. */
export abstract class ClockedComponent extends Component implements Clocked {
  readonly clock: ClockDomain;

  constructor(context: ComponentContext) {
    super(context);
    if (!context.clock) throw new Error(`clocked component '${this.path}' has no clock domain: give its parent one, or pass { clock } to child()`);
    this.clock = context.clock;
    this.kernel.clocked(this.clock, this);
  }

  /** Read current values, write next values. */
  abstract evaluate(): void;

  /** Override to let the kernel skip edges while nothing can change; see Clocked.isIdle. */
  isIdle(): boolean {
    return false;
  }

  /** See Clocked.sleepsUntilWoken: a block that says every way it gets work overrides this with true. */
  readonly sleepsUntilWoken: boolean = false;
  /** Given by the domain as the constructor adds this block to it. */
  slot?: MemberSlot;

  /** Call when state changes from outside the clock (a method call from a process): evaluated on the next edge. */
  protected wake(): void {
    const slot = this.slot!;
    slot.woken = true;
    slot.awake = true;
    this.clock.wakeAfter(this.kernel.now, this.kernel.edgesPending);
  }

  /**
   * An item was pushed into one of its channels at `time`: asked on the first edge after, when it
   * can take it, even if it said idle in the pushing phase (an isIdle that counts only takeable items).
   */
  wakeAfter(time: number): void {
    this.clock.wakeAt(time + 1, time, this);
  }

  /**
   * Have the first edge at or after `time` (absolute, ps) taken even if the domain sleeps meanwhile,
   * and this member asked on it (a latency running out): isIdle must say false once the time has come.
   */
  protected wakeAt(time: number): void {
    this.clock.wakeAt(time, this.kernel.now, this);
  }

  /** Be evaluated again `cycles` edges from now even if the domain sleeps meanwhile. */
  protected wakeIn(cycles: number): void {
    this.wakeAt(this.kernel.now + cycles * this.clock.period);
  }

  /** Cycle number of the edge being evaluated. */
  get cycle(): number {
    return this.clock.cycleAt(this.kernel.now);
  }
}

export interface DesignOptions {
  seed?: number;
  /** Parameter values by dotted path or nested object; unknown names are an error. */
  parameters?: Record<string, unknown>;
  parametersSource?: string;
  /** Parent container whose registrations (swapped classes, configuration) the design uses. */
  container?: DependencyContainer;
  /** Name of the root scope. */
  name?: string;
}

export interface Design<T extends Component> {
  readonly kernel: Kernel;
  readonly top: T;
  readonly container: DependencyContainer;
}

/**
 * Compose a design: the root component resolved by token in a child of `options.container`.
 * Declare clock domains on the kernel first; `options.clock` is the root's domain, inherited by
 * children. Parameter overrides no component claimed are an error here, before any run.
 */
export function buildDesign<T extends Component>(
  kernel: Kernel,
  token: InjectionToken<T>,
  options: DesignOptions & { clock?: ClockDomain } = {},
): Design<T> {
  const built = buildDesignChecked(kernel, token, options);
  if (built.problem !== null) throw built.problem;
  return built.design!;
}

/**
 * Build a design and say its parameter problems rather than throw them: the design too when every
 * component could be built (values that did not fit had their defaults stand in), so that checks
 * of the whole (a scenario's fit to the device) can be reported with them; null when one could not.
 */
export function buildDesignChecked<T extends Component>(
  kernel: Kernel,
  token: InjectionToken<T>,
  options: DesignOptions & { clock?: ClockDomain } = {},
): { design: Design<T> | null; problem: ParameterError | null } {
  const container = (options.container ?? rootContainer).createChildContainer();
  const overrides = new ParameterOverrides(options.parameters, options.parametersSource);
  const context: ComponentContext = { kernel, parent: null, name: options.name ?? "top", container, overrides, clock: options.clock ?? null };
  container.register(ComponentContextToken, { useValue: context });
  let top: T;
  try {
    top = container.resolve(token);
  } catch (error) {
    // A component objecting to its values: reported with every value that did not fit before it.
    if (!(error instanceof ParameterError)) throw error;
    return { design: null, problem: new ParameterError([...overrides.misfits, error.message].join("\n")) };
  }
  const design = { kernel, top, container };
  try {
    overrides.checkAllClaimed([...top.walk()].flatMap((component) => component.declaredParameters.map((parameter) => parameter.path)));
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    return { design, problem: error };
  }
  return { design, problem: null };
}
