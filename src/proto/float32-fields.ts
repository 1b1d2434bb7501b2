// Which fields of a message hold proto `float`s, and a copy of an answer with those values turned
// into float32's shortest decimal (float32Shortest) so JSON.stringify prints them as the proto3 JSON
// mapping does. Only `float` (and FloatValue): `double` fields keep their float64 digits. ADR 0047.
import protobuf from 'protobufjs';
import { isSealed, seal } from '../service/reuse/sealed.js';
import { float32Shortest } from './float32-decimal.js';

type Obj = Record<string, unknown>;

/** How one field's value is walked; `map`: a map<string, …> field (an object of values). */
interface Step {
  /** Set for a message field, unset for a float. Filled in after construction (messages recurse). */
  plan?: Plan;
  map: boolean;
}

interface Plan {
  /** Only the fields that can hold a float, by JSON (proto) name. */
  fields: Map<string, Step>;
  /** The walk of one object of the type, compiled on first use (see compile). */
  walk?: (o: Obj) => Obj;
  /** Converted copies of sealed (shared, frozen) values, so they stay shared and printed once. */
  sealed: WeakMap<object, Obj>;
}

// Struct, Value and ListValue carry free JSON, not typed fields: never walked.
const FREE_JSON = new Set(['.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue']);
const plans = new WeakMap<protobuf.Type, Plan>();

const isFloat = (f: protobuf.Field): boolean => {
  const rt = f.resolvedType;
  if (rt instanceof protobuf.Type) return rt.fullName === '.google.protobuf.FloatValue'; // wrappers print bare
  return f.type === 'float';
};

/** The message type of a field, when it is one that is walked. */
function messageOf(f: protobuf.Field): protobuf.Type | undefined {
  const rt = f.resolvedType;
  return rt instanceof protobuf.Type && !FREE_JSON.has(rt.fullName) && rt.fullName !== '.google.protobuf.FloatValue' ? rt : undefined;
}

/**
 * The plan of `root` and of every type reachable from it. Messages nest recursively (Data → Region →
 * Data), so whether a type can hold a float is a fixpoint over the reachable types, not one descent.
 */
function buildPlans(root: protobuf.Type): void {
  const types: protobuf.Type[] = [];
  const seen = new Set<protobuf.Type>();
  const visit = (t: protobuf.Type): void => {
    if (seen.has(t) || plans.has(t)) return;
    seen.add(t);
    types.push(t);
    for (const f of t.fieldsArray) {
      const m = messageOf(f);
      if (m) visit(m);
    }
  };
  visit(root);
  const holds = new Set<protobuf.Type>(types.filter((t) => t.fieldsArray.some(isFloat)));
  const holdsFloat = (t: protobuf.Type): boolean => holds.has(t) || (plans.get(t)?.fields.size ?? 0) > 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of types) {
      if (holds.has(t)) continue;
      if (t.fieldsArray.some((f) => messageOf(f) && holdsFloat(messageOf(f)!))) {
        holds.add(t);
        changed = true;
      }
    }
  }
  for (const t of types) plans.set(t, { fields: new Map(), sealed: new WeakMap() });
  for (const t of types) {
    const plan = plans.get(t)!;
    for (const f of t.fieldsArray) {
      const m = messageOf(f);
      const map = f.map === true;
      if (isFloat(f)) plan.fields.set(f.name, { map });
      else if (m && holdsFloat(m)) plan.fields.set(f.name, { plan: plans.get(m)!, map });
    }
  }
}

function planOf(type: protobuf.Type): Plan {
  let plan = plans.get(type);
  if (!plan) {
    buildPlans(type);
    plan = plans.get(type)!;
  }
  return plan;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One value of a field (repeated and map fields call it per element). */
function convertValue(step: Step, v: unknown): unknown {
  if (!step.plan) return typeof v === 'number' ? float32Shortest(v) : v;
  return isObj(v) ? convertMessage(step.plan, v) : v;
}

/** A list's values, copied only if one changed. */
function convertList(step: Step, list: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const c = convertValue(step, v);
    if (Object.is(c, v)) continue;
    out ??= list.slice();
    out[i] = c;
  }
  return out ?? list;
}

/** A map field's values (keys are the map's, not fields), copied only if one changed. */
function convertMap(step: Step, map: Obj): Obj {
  let out: Obj | undefined;
  for (const k of Object.keys(map)) {
    const c = convertValue(step, map[k]);
    if (Object.is(c, map[k])) continue;
    out ??= { ...map };
    out[k] = c;
  }
  return out ?? map;
}

/** One field's value: a list, a map, or one value. */
function convertField(step: Step, v: unknown): unknown {
  if (Array.isArray(v)) return convertList(step, v);
  return step.map && isObj(v) ? convertMap(step, v) : convertValue(step, v);
}

/**
 * The walk of one object of a plan's type as straight-line code, one `o["name"]` per field that can
 * hold a float: a constant name is a property load V8 caches per object shape, where a loop over the
 * names is a generic keyed lookup per field (the walk of a 128-output answer: 118 µs looped, 89 µs
 * compiled, same values; ADR 0047). The names are the protos' field names, quoted by
 * JSON.stringify: no request data reaches the generated code.
 */
function compile(plan: Plan): (o: Obj) => Obj {
  const steps = [...plan.fields.values()];
  const lines = [...plan.fields.keys()].map((name, i) => {
    const key = JSON.stringify(name);
    return `v = o[${key}]; if (v != null) { c = field(steps[${i}], v); if (!is(c, v)) { if (out === undefined) out = { ...o }; out[${key}] = c; } }`;
  });
  const make = new Function(
    'steps',
    'field',
    'is',
    `return function (o) {\n  let out, v, c;\n  ${lines.join('\n  ')}\n  return out === undefined ? o : out;\n};`,
  );
  return make(steps, convertField, Object.is) as (o: Obj) => Obj;
}

function convertFields(plan: Plan, o: Obj): Obj {
  plan.walk ??= compile(plan);
  return plan.walk(o);
}

function convertMessage(plan: Plan, o: Obj): Obj {
  // Sealed parts are deep-frozen: isFrozen first spares most objects the WeakSet lookup.
  if (!Object.isFrozen(o) || !isSealed(o)) return convertFields(plan, o);
  let c = plan.sealed.get(o);
  if (!c) {
    c = convertFields(plan, o);
    if (c !== o) seal(c);
    plan.sealed.set(o, c);
  }
  return c;
}

/**
 * `body` (an answer of message `type`, in its JSON field names) with every float field's value as
 * float32's shortest decimal. Objects without a float field are shared, not copied; a sealed
 * (shared, cached) object gives the same sealed copy every time, so its JSON can still be kept.
 */
export function withFloat32(type: protobuf.Type, body: Obj): Obj {
  const plan = planOf(type);
  return plan.fields.size === 0 ? body : convertMessage(plan, body);
}
