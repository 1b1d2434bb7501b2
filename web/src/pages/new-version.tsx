import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Model, ModelType } from '../api-types.js';
import { useApi } from '../context.js';
import { navigate } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Curl, ErrorBox, Field, Link, useAction, useLoad } from '../ui/common.js';
import { type FormField, formFields, versionRequest } from '../version-form.js';

/** PostModelVersions with a form generated from the model type's model_type_fields. */
export function NewVersionPage({ app, model }: { app: string; model: string }): JSX.Element {
  const api = useApi();
  const base = `${appPath(app)}/models/${encodeURIComponent(model)}`;
  const info = useLoad(async () => {
    const m = await api.get<{ model: Model }>(base);
    const t = await api.get<{ model_type: ModelType }>(`${appPath(app)}/models/types/${encodeURIComponent(m.model.model_type_id ?? '')}`);
    return { model: m.model, type: t.model_type };
  }, [base]);
  const [values, setValues] = useState<Record<string, string>>({});
  const create = useAction();
  const fields = info.data ? formFields(info.data.type.model_type_fields ?? [], values) : [];
  const request = versionRequest(fields, values);
  const [submitted, setSubmitted] = useState(false);
  const path = `${base}/versions`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    if (!('body' in request)) return;
    let id = '';
    const ok = await create.run(async () => {
      const r = await api.post<{ model: Model }>(path, request.body);
      id = String(r.model.model_version?.id ?? '');
    });
    if (ok && id) navigate(hrefOf({ page: 'version', app, model, version: id, tab: 'overview' }));
  };
  const errors = 'errors' in request ? request.errors : {};
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={hrefOf({ page: 'apps' })}>Apps</Link> / <Link href={hrefOf({ page: 'app', app, tab: 'models' })}>{app}</Link> /{' '}
        <Link href={hrefOf({ page: 'model', app, model })}>{model}</Link> / <span>new version</span>
      </nav>
      <h1>New version of {model}</h1>
      <ErrorBox error={info.error} />
      {info.data && (
        <form class="card" onSubmit={submit} noValidate>
          <p class="muted">
            {info.data.type.title ?? info.data.type.id}: {info.data.type.description}
          </p>
          {fields.length === 0 && <p>This model type takes no configuration.</p>}
          {fields.map((f) => (
            <FieldInput
              key={f.path}
              field={f}
              value={values[f.path] ?? f.defaultText}
              error={submitted ? errors[f.path] : undefined}
              onChange={(v) => setValues({ ...values, [f.path]: v })}
            />
          ))}
          <button type="submit" disabled={create.busy}>
            Create version
          </button>
          <ErrorBox error={create.error} />
          {'body' in request && <Curl method="POST" path={path} body={request.body} />}
        </form>
      )}
    </section>
  );
}

function FieldInput({
  field: f,
  value,
  error,
  onChange,
}: {
  field: FormField;
  value: string;
  error: string | undefined;
  onChange: (v: string) => void;
}): JSX.Element {
  const id = `f-${f.path.replace(/\./g, '-')}`;
  const label = `${f.label}${f.required ? ' (required)' : ''}`;
  const hint = `${f.path} — ${f.description}${f.min !== undefined ? ` Range ${f.min}–${f.max ?? '…'}.` : ''}`;
  if (f.control === 'checkbox') {
    return (
      <div class="field">
        <label class="inline" for={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === 'true'}
            onChange={(e) => onChange(e.currentTarget.checked ? 'true' : 'false')}
            aria-describedby={`${id}-hint`}
          />{' '}
          {f.label}
        </label>
        <small id={`${id}-hint`}>{hint}</small>
      </div>
    );
  }
  return (
    <Field label={label} id={id} hint={hint} error={error}>
      {f.control === 'select' ? (
        <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-describedby={`${id}-hint`}>
          {(f.options ?? []).map((o) => (
            <option key={o.id} value={o.id} title={o.description}>
              {o.id}
            </option>
          ))}
        </select>
      ) : f.control === 'json' ? (
        <textarea id={id} class="code" rows={3} value={value} onInput={(e) => onChange(e.currentTarget.value)} aria-describedby={`${id}-hint`} />
      ) : (
        <input
          id={id}
          type={f.control === 'number' ? 'number' : 'text'}
          min={f.min}
          max={f.max}
          step={f.step ?? 'any'}
          placeholder={f.control === 'concepts' ? 'cat, dog' : f.control === 'list' || f.control === 'numbers' ? 'comma-separated' : ''}
          required={f.required}
          aria-invalid={Boolean(error)}
          aria-describedby={`${id}-hint`}
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}
