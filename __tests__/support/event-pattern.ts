/**
 * EventBridge event-pattern matching, as the Amazon EventBridge User Guide defines it ("Amazon EventBridge
 * event patterns", "Arrays in Amazon EventBridge event patterns", "Content filtering"), for the tests.
 *
 * Why here and not an npm library: none that implements it is served by the registry this project uses
 * (`eb-patterns`, a local TestEventPattern, is not; `serverless-offline-aws-eventbridge` matches only
 * `source`, `detail-type` and `detail`, never `resources`, the field the rotation rule depends on).
 * To keep it honest it implements the exact-value rules completely and the few operators listed below,
 * and throws on any other operator instead of guessing. __tests__/constructs/credential-rotation.event.test.ts checks it on the
 * EventBridge guide's own event/pattern pairs, and against moto's implementation of TestEventPattern
 * (a local stand-in of the API) where Python's moto is installed.
 *
 *  - A pattern field holding an array is a leaf: the event's value (or any element of it, when the
 *    event's value is an array) must equal one of the array's values. Strings compare character by
 *    character; numbers by their JSON text (300 and 300.0 differ); `null` matches `null`.
 *  - A pattern field holding an object must match the event's object at that key, recursively.
 *  - A field the event lacks matches only `{ "exists": false }`.
 *  - Operators: `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value or a list), `exists`.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'exists'];

function matchesValue(matcher: Json, value: Json | undefined): boolean {
  if (matcher === null || typeof matcher !== 'object') return value !== undefined && JSON.stringify(matcher) === JSON.stringify(value);
  if (Array.isArray(matcher)) throw new Error(`a nested array in a pattern is not an EventBridge matcher: ${JSON.stringify(matcher)}`);
  const [operator, ...others] = Object.keys(matcher);
  if (others.length > 0 || !OPERATORS.includes(operator)) throw new Error(`unsupported EventBridge matcher ${JSON.stringify(matcher)}: add it to __tests__/support/event-pattern.ts`);
  const operand = matcher[operator];
  if (operator === 'exists') return operand === (value !== undefined);
  if (value === undefined) return false;
  if (operator === 'anything-but') return !(Array.isArray(operand) ? operand : [operand]).some((o) => matchesValue(o, value));
  if (typeof value !== 'string' || typeof operand !== 'string') return false;
  if (operator === 'prefix') return value.startsWith(operand);
  if (operator === 'suffix') return value.endsWith(operand);
  return value.toLowerCase() === operand.toLowerCase();
}

function matchesLeaf(matchers: Json[], value: Json | undefined): boolean {
  const candidates: (Json | undefined)[] = Array.isArray(value) ? value : [value];
  return matchers.some((m) => (Array.isArray(value) && value.length === 0 ? matchesValue(m, undefined) : candidates.some((v) => matchesValue(m, v))));
}

/** Whether `event` matches the EventBridge `pattern`. */
export function matchesEventPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, matcher]) => {
    if (key.startsWith('$')) throw new Error(`unsupported pattern operator ${key}: add it to __tests__/support/event-pattern.ts`);
    const value = event[key];
    if (Array.isArray(matcher)) return matchesLeaf(matcher, value);
    if (matcher === null || typeof matcher !== 'object') throw new Error(`pattern field "${key}" must be an array or an object, not ${JSON.stringify(matcher)}`);
    return value !== null && typeof value === 'object' && !Array.isArray(value) && matchesEventPattern(matcher, value);
  });
}
