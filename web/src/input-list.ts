import { query } from './api.js';
import type { Input } from './api-types.js';
import { conceptsOf } from './upload.js';

export interface InputListView {
  page: number;
  perPage: number;
  /** An input status code ('30000' processed …), '' for any. */
  status: string;
  /** Concepts typed in the filter ("cat, -dog": labelled cat and labelled not-dog), '' for none. */
  concept: string;
}

export interface ListRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/**
 * The request for one page of an app's inputs. Without a concept it is ListInputs (with its
 * `status.code`); with one it is PostInputsSearches, Clarifai's way to find inputs by label: one filter
 * on the labels (value 1 positive, 0 an explicit negative; all must hold), one on the status, and the
 * same paging, so the server does the filtering and the pages are pages of matches.
 */
export function inputListRequest(base: string, v: InputListView): ListRequest {
  const concepts = conceptsOf(v.concept);
  if (concepts.length === 0) return { method: 'GET', path: `${base}${query({ page: v.page, per_page: v.perPage, 'status.code': v.status })}` };
  const filters: unknown[] = [{ annotation: { data: { concepts } } }];
  if (v.status) filters.push({ input: { status: { code: Number(v.status) } } });
  return { method: 'POST', path: `${base}/searches`, body: { searches: [{ query: { filters } }], pagination: { page: v.page, per_page: v.perPage } } };
}

/** ListInputs' answer or PostInputsSearches'. */
export interface InputsAnswer {
  inputs?: Input[];
  hits?: { input?: Input }[];
}

/** The inputs of either answer: ListInputs' `inputs`, or the hits' inputs of a search. */
export function inputsOf(answer: InputsAnswer): Input[] {
  if (answer.inputs) return answer.inputs;
  return (answer.hits ?? []).map((h) => h.input).filter((i): i is Input => Boolean(i));
}
