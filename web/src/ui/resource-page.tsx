import type { ComponentChildren, JSX } from 'preact';
import { Curl, ErrorBox } from './common.js';

export interface Column<T> {
  title: string;
  cell: (item: T) => ComponentChildren;
}

export interface RowAction<T> {
  /** The button's text (Delete, Revoke). */
  label: string;
  /** Its accessible name, naming the row (`Delete app pets`). */
  name: (item: T) => string;
  run: (item: T) => void;
}

export interface CreateForm {
  title: string;
  submit: string;
  onSubmit: (e: Event) => void;
  disabled: boolean;
  error: unknown;
  /** The request the form sends, shown as the equivalent curl. */
  curl: { method: string; path: string; body: unknown };
  /** The form's fields. */
  children: ComponentChildren;
  /** Shown under the submit button, before the curl (e.g. a token shown once). */
  notice?: ComponentChildren;
}

/**
 * A top-level list page (apps, keys): the heading, an optional toolbar, the list's errors, a table with
 * one action button per row, a footer (the pager) and the create form with its equivalent curl.
 */
export function ResourcePage<T>(props: {
  title: string;
  toolbar?: ComponentChildren;
  errors: unknown[];
  items: T[];
  loading: boolean;
  keyOf: (item: T) => string;
  columns: Column<T>[];
  action: RowAction<T>;
  /** What the table says when it has no rows. */
  empty: string;
  footer?: ComponentChildren;
  create: CreateForm;
}): JSX.Element {
  const { title, items, columns, action, create } = props;
  return (
    <section>
      <h1>{title}</h1>
      {props.toolbar && <div class="toolbar">{props.toolbar}</div>}
      {props.errors.map((e, i) => (
        <ErrorBox key={i} error={e} />
      ))}
      <table class="list">
        <caption class="sr-only">{title}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.title} scope="col">
                {c.title}
              </th>
            ))}
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={props.keyOf(item)}>
              {columns.map((c) => (
                <td key={c.title}>{c.cell(item)}</td>
              ))}
              <td class="actions">
                <button type="button" class="danger" onClick={() => action.run(item)} aria-label={action.name(item)}>
                  {action.label}
                </button>
              </td>
            </tr>
          ))}
          {!props.loading && items.length === 0 && (
            <tr>
              <td colSpan={columns.length + 1} class="muted">
                {props.empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {props.footer}
      <form class="card" onSubmit={create.onSubmit}>
        <h2>{create.title}</h2>
        {create.children}
        <button type="submit" disabled={create.disabled}>
          {create.submit}
        </button>
        <ErrorBox error={create.error} />
        {create.notice}
        <Curl method={create.curl.method} path={create.curl.path} body={create.curl.body} />
      </form>
    </section>
  );
}
