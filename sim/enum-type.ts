/** An enumeration traced as a vector and named in GTKWave through a translate-filter file. */
export class EnumType<Name extends string = string> {
  readonly width: number;
  private readonly codes = new Map<string, number>();

  constructor(readonly name: string, readonly names: readonly Name[]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`enum name '${name}' must be an identifier`);
    if (names.length === 0) throw new RangeError(`enum '${name}' has no values`);
    names.forEach((value, code) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new RangeError(`enum '${name}' value '${value}' must be an identifier`);
      if (this.codes.has(value)) throw new RangeError(`enum '${name}' lists '${value}' twice`);
      this.codes.set(value, code);
    });
    // At least two bits: GTKWave draws a 1-bit variable as a line, with no room for a name.
    this.width = Math.max(2, Math.ceil(Math.log2(names.length)));
  }

  code(value: Name): number {
    const code = this.codes.get(value);
    if (code === undefined) throw new RangeError(`enum '${this.name}' has no value '${value}'`);
    return code;
  }

  label(code: number): Name | undefined {
    return this.names[code];
  }
}

export function defineEnum<const Name extends string>(name: string, names: readonly Name[]): EnumType<Name> {
  return new EnumType(name, names);
}
