/** A number a scenario gave, or the default where it gave none (checked elsewhere: a wrong type is refused at its place). */
export function givenNumber(value: unknown, otherwise: number): number {
  return typeof value === "number" ? value : otherwise;
}
