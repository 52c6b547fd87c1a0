/**
 * `--set KEY=VALUE` for the offline commands: changes the flat stack config (`{"ns:key": "text"}`)
 * the way the Pulumi CLI changes a stack's config, so what works here works with `pulumi config`.
 * - `ns:key=VALUE` sets the key to the text VALUE (`pulumi config set ns:key VALUE`).
 * - `ns:key.field=VALUE`, `ns:key[0]=VALUE`, `ns:key["a.b"]=VALUE` set one element inside the key's
 *   object or list (`pulumi config set --path`), creating it if needed; VALUE is stored as a boolean
 *   for true/false, as an integer when it is one without a leading zero, else as a string — Pulumi's
 *   `adjustObjectValue` (pulumi/pulumi sdk/go/common/resource/config/map.go, `Map.Set`). The path
 *   grammar is Pulumi's `ParsePropertyPath` (sdk/go/common/resource/properties_path.go).
 * - an empty VALUE (undefined here) removes the key or the element (`pulumi config rm [--path]`).
 */
import { UsageError } from "./args";

type Segment = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** `accountA.roleArn`, `years[0]`, `accountA["odd.key"]` → segments; throws on a malformed path. */
export function parsePropertyPath(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") {
      if (i === 0 || i === path.length - 1 || path[i + 1] === ".") throw new Error(`empty name in path ${JSON.stringify(path)}`);
      i++;
    } else if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (path[i + 1] === '"') {
        let j = i + 2;
        let key = "";
        while (j < path.length && path[j] !== '"') {
          if (path[j] === "\\" && path[j + 1] === '"') j++;
          key += path[j++];
        }
        if (path[j] !== '"' || path[j + 1] !== "]") throw new Error(`missing closing quote or bracket in path ${JSON.stringify(path)}`);
        out.push(key);
        i = j + 2;
      } else {
        const index = close < 0 ? "" : path.slice(i + 1, close);
        if (!/^[0-9]+$/.test(index)) throw new Error(`expected [N] or ["name"] in path ${JSON.stringify(path)}`);
        out.push(Number(index));
        i = close + 1;
      }
    } else {
      const m = /^[^.[\]]+/.exec(path.slice(i));
      if (!m) throw new Error(`unexpected ${JSON.stringify(path[i])} in path ${JSON.stringify(path)}`);
      out.push(m[0]);
      i += m[0].length;
    }
  }
  if (out.length === 0 || typeof out[0] !== "string") throw new Error(`path ${JSON.stringify(path)} must start with a key name`);
  return out;
}

/** Pulumi's `adjustObjectValue`: the JSON value a `--path` set stores for a command-line string. */
function pathValue(text: string): Json {
  if (text === "true" || text === "false") return text === "true";
  if (text.length > 1 && text.startsWith("0")) return text;
  if (/^[+-]?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return text;
}

function setIn(container: Json[] | { [k: string]: Json }, path: Segment[], value: Json | undefined, where: string): void {
  const [head, ...rest] = path;
  if (Array.isArray(container) !== (typeof head === "number")) {
    throw new Error(
      `${where}: ${typeof head === "number" ? `[${head}] indexes a list, but this is an object` : `.${head} names a field, but this is a list`}`,
    );
  }
  if (Array.isArray(container)) {
    const i = head as number;
    if (i > container.length || (value === undefined && i >= container.length))
      throw new Error(`${where}: index [${i}] is out of range (the list has ${container.length} items)`);
    if (rest.length === 0) {
      if (value === undefined) container.splice(i, 1);
      else container[i] = value;
      return;
    }
    container[i] ??= typeof rest[0] === "number" ? [] : Object.create(null);
    const next = container[i];
    if (next === null || typeof next !== "object") throw new Error(`${where}: [${i}] holds ${JSON.stringify(next)}, not an object or list`);
    setIn(next, rest, value, where);
    return;
  }
  const key = head as string;
  // Own data properties only (a key such as "__proto__" must not reach the prototype).
  const define = (v: Json) => Object.defineProperty(container, key, { value: v, enumerable: true, writable: true, configurable: true });
  const has = Object.prototype.hasOwnProperty.call(container, key);
  if (rest.length === 0) {
    if (value === undefined) delete container[key];
    else define(value);
    return;
  }
  if (!has) {
    if (value === undefined) return;
    define(typeof rest[0] === "number" ? [] : Object.create(null));
  }
  const next = container[key];
  if (next === null || typeof next !== "object") throw new Error(`${where}: .${key} holds ${JSON.stringify(next)}, not an object or list`);
  setIn(next, rest, value, where);
}

/**
 * Returns a copy of `config` with each override applied in order. A malformed key or path, or a path
 * through a value that is not an object or list, is a {@link UsageError} naming the `--set` argument.
 */
export function applyOverrides(
  config: Readonly<Record<string, string>>,
  overrides: Iterable<[string, string | undefined]>,
): Record<string, string> {
  const out: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, config);
  for (const [key, value] of overrides) {
    const arg = `--set ${key}=${value ?? ""}`;
    const colon = key.indexOf(":");
    if (colon <= 0 || colon === key.length - 1)
      throw new UsageError(`${arg}: expected NAMESPACE:KEY=VALUE, e.g. holidays-api:exclusive=false`);
    const ns = key.slice(0, colon);
    let path: Segment[];
    try {
      path = parsePropertyPath(key.slice(colon + 1));
    } catch (err) {
      throw new UsageError(`${arg}: ${(err as Error).message}`);
    }
    const root = `${ns}:${path[0] as string}`;
    if (path.length === 1) {
      if (value === undefined) delete out[root];
      else out[root] = value;
      continue;
    }
    let doc: Json | undefined;
    if (Object.prototype.hasOwnProperty.call(out, root)) {
      try {
        doc = JSON.parse(out[root]) as Json;
      } catch {
        doc = out[root];
      }
      if (doc === null || typeof doc !== "object") {
        throw new UsageError(
          `${arg}: ${root} is ${JSON.stringify(doc)}, not an object or list, so it has no ${JSON.stringify(key.slice(colon + 1 + String(path[0]).length))}; set ${root} as a whole instead`,
        );
      }
    } else if (value === undefined) continue;
    else doc = typeof path[1] === "number" ? [] : Object.create(null);
    try {
      setIn(doc as Json[] | { [k: string]: Json }, path.slice(1), value === undefined ? undefined : pathValue(value), arg);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    out[root] = JSON.stringify(doc);
  }
  return out;
}
