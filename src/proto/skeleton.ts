import type protobuf from 'protobufjs';

const SHOW_IF_EMPTY = '(clarifai.api.utils.cl_show_if_empty)';
const skeletons = new WeakMap<protobuf.Type, Record<string, unknown>>();

/** Whether Clarifai prints this field even at its zero value (`cl_show_if_empty`). */
export const showIfEmpty = (f: protobuf.Field): boolean => f.options?.[SHOW_IF_EMPTY] === true;

/**
 * The list fields a response always carries (`"models": []` even in an error body), so error
 * responses look exactly like Clarifai's.
 */
export function responseSkeleton(type: protobuf.Type): Record<string, unknown> {
  let s = skeletons.get(type);
  if (!s) {
    s = {};
    for (const f of type.fieldsArray) if (f.repeated && showIfEmpty(f)) s[f.name] = [];
    skeletons.set(type, s);
  }
  return s;
}
