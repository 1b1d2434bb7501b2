// Clarifai PATCH `action` semantics (merge / overwrite / remove) over plain JSON.
// Source: Clarifai/docs `docs/api-guide/advanced-topics/patching.md` (its A = our `patch`, B = our `target`),
// summarised in /work/shared/reference/clarifai-api.md §2.1. Where the docs are silent, the choice is noted.
import { invalidRequest } from './errors.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from './json.js';

export type PatchAction = 'merge' | 'overwrite' | 'remove';
export const PATCH_ACTIONS: readonly PatchAction[] = ['merge', 'overwrite', 'remove'];

/**
 * Reads the request's `action`. Clarifai documents it as required, but every official SDK
 * (clarifai-python `patch_model`/`patch_inputs`/`patch_dataset`…) defaults it to 'merge', and merge is the
 * least destructive choice, so a missing or empty action means 'merge'. Anything else (matching is exact,
 * lowercase) is an invalid request.
 */
export function parsePatchAction(raw: string | undefined): PatchAction {
  if (raw === undefined || raw === '') return 'merge';
  if ((PATCH_ACTIONS as readonly string[]).includes(raw)) return raw as PatchAction;
  throw invalidRequest(`Invalid patch action '${raw}'. Allowed values: ${PATCH_ACTIONS.join(', ')}.`);
}

/**
 * Applies `patch` to `target` and returns a new object; neither input is mutated and the result shares no
 * objects or arrays with them.
 * - merge: scalars overwrite; objects deep-merge; `null` does nothing; an explicit `{}` or `[]` replaces the
 *   target value; a value of another type than the target's replaces it. Lists: an element that is an object
 *   with a non-empty `id` deep-merges into the target element with the same id, otherwise it is appended.
 *   Plain (non-object, non-list) values already present in the list are not appended again (the docs only say
 *   "append"; we deduplicate so set-like fields such as `toolkits`/`use_cases` don't collect repeats).
 * - remove: `true` deletes the key; a non-empty object descends into the target object (nothing happens if
 *   the target value isn't an object); `{}`, `[]` and `null` do nothing. Lists: target elements whose `id`
 *   matches a patch element's id are removed, patch elements without id are appended as in merge; but a
 *   list element without id that contains a `true` removes the whole key (docs: "Only objects with id's can
 *   be put into lists"). Any other scalar (false, numbers, strings) OVERWRITES the value, as the docs show
 *   ("Remove with false should over write"; `"blah":1` overwrites in "Remove from list").
 * - overwrite: the result is (a copy of) the patch; the caller chooses the level it applies this at.
 * Keys named `__proto__` in the patch are ignored.
 */
export function applyPatch(target: JsonObject, patch: JsonObject, action: PatchAction): JsonObject {
  if (action === 'overwrite') return cloneJson(patch);
  const out = cloneJson(target);
  if (action === 'merge') mergeInto(out, patch);
  else removeFrom(out, patch);
  return out;
}

type Id = string | number;

const idOf = (v: JsonValue | undefined): Id | undefined => {
  if (!isJsonObject(v)) return undefined;
  const id = v.id;
  return (typeof id === 'string' && id !== '') || typeof id === 'number' ? id : undefined;
};

const isEmptyObject = (v: JsonObject): boolean => Object.keys(v).length === 0;

const containsTrue = (v: JsonValue): boolean =>
  v === true || (Array.isArray(v) ? v.some(containsTrue) : isJsonObject(v) && Object.values(v).some(containsTrue));

const patchEntries = (p: JsonObject): [string, JsonValue][] => Object.entries(p).filter(([k]) => k !== '__proto__');

/** Merges `p` into `t` in place (`t` is always our own copy); values taken from `p` are rebuilt, never shared. */
function mergeInto(t: JsonObject, p: JsonObject): void {
  for (const [k, v] of patchEntries(p)) {
    if (v !== null) t[k] = mergeValue(t[k], v);
  }
}

function mergeValue(cur: JsonValue | undefined, v: JsonValue): JsonValue {
  if (isJsonObject(v)) {
    if (isEmptyObject(v)) return {};
    const base = isJsonObject(cur) ? cur : {};
    mergeInto(base, v);
    return base;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return [];
    const base = Array.isArray(cur) ? cur : [];
    mergeList(base, v);
    return base;
  }
  return v;
}

function mergeList(t: JsonValue[], p: JsonValue[]): void {
  for (const e of p) {
    const id = idOf(e);
    const hit = id === undefined ? undefined : t.find((x) => idOf(x) === id);
    if (isJsonObject(hit) && isJsonObject(e)) mergeInto(hit, e);
    else if (isJsonObject(e) || Array.isArray(e) || !t.includes(e)) t.push(mergeValue(undefined, e));
  }
}

function removeFrom(t: JsonObject, p: JsonObject): void {
  for (const [k, v] of patchEntries(p)) {
    const cur = t[k];
    if (v === null) continue;
    if (v === true) {
      delete t[k];
    } else if (isJsonObject(v)) {
      if (isJsonObject(cur)) removeFrom(cur, v);
    } else if (Array.isArray(v)) {
      if (v.some((e) => idOf(e) === undefined && containsTrue(e))) {
        delete t[k];
        continue;
      }
      const ids = new Set(v.map(idOf).filter((id): id is Id => id !== undefined));
      const extra = v.filter((e) => idOf(e) === undefined);
      if (!Array.isArray(cur) && extra.length === 0) continue;
      const kept = Array.isArray(cur)
        ? cur.filter((e) => {
            const id = idOf(e);
            return id === undefined || !ids.has(id);
          })
        : [];
      mergeList(kept, extra);
      t[k] = kept;
    } else {
      t[k] = v;
    }
  }
}
