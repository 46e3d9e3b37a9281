/** Whether a prefix of a JSON text can still become JSON: it parses, or fails only where it ends. */
function validSoFar(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const position = / at position (\d+)/.exec(message)?.[1];
    return /Unexpected end of JSON input|Unterminated string/.test(message) || (position !== undefined && Number(position) >= prefix.length);
  }
}

/**
 * Where a text stops being JSON, and why in V8's words without the text they quote (a value may be
 * a key), or null when it is JSON. The place is found by the longest prefix that can still become
 * JSON: V8's messages give it for some mistakes and not others.
 */
export function jsonSyntaxProblem(text: string): { readonly position: number; readonly reason: string } | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    let low = 0;
    let high = text.length;
    // Invariant: text.slice(0, low) can still become JSON, text.slice(0, high + 1) cannot (a prefix that cannot, no longer one can).
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (validSoFar(text.slice(0, middle))) low = middle;
      else high = middle - 1;
    }
    const reason = (error as Error).message
      .replace(/, ".*is not valid JSON$/s, "")
      .replace(/ (in JSON )?at position \d+.*$/s, "")
      .replace(/^Unexpected token '.'/, "Unexpected character")
      .replace(/^Unexpected end of JSON input$/, "the text ends before its JSON does");
    return { position: Math.min(low, text.length), reason };
  }
}
