import type { JSX } from 'preact';
import { appPath } from '../api.js';
import type { ModelVersion } from '../api-types.js';
import { compareRows } from '../compare.js';
import { useApi } from '../context.js';
import { setQuery } from '../nav.js';
import { hrefOf } from '../routes.js';
import { Chip, ErrorBox, Field, Link, useLoad } from '../ui/common.js';
import { versionChip } from '../version-status.js';

/** Two versions side by side: status, evaluation summary, and every configuration value, differences marked. */
export function ComparePage({ app, model }: { app: string; model: string }): JSX.Element {
  const api = useApi();
  const base = `${appPath(app)}/models/${encodeURIComponent(model)}/versions`;
  const params = new URLSearchParams(location.search);
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const list = useLoad(() => api.get<{ model_versions: ModelVersion[] }>(`${base}?per_page=50`), [base]);
  const pair = useLoad(async () => {
    if (!a || !b) return undefined;
    const get = (id: string) => api.get<{ model_version: ModelVersion }>(`${base}/${encodeURIComponent(id)}/metrics`).then((r) => r.model_version);
    return Promise.all([get(a), get(b)]);
  }, [a, b]);
  const [va, vb] = pair.data ?? [];
  const pick = (key: 'a' | 'b', value: string) => setQuery({ [key]: value });
  const config = (v: ModelVersion | undefined) =>
    v && {
      output_info: { output_config: v.output_info?.output_config, params: v.output_info?.params },
      train_info: v.train_info,
      evaluation: v.metrics?.summary,
      license: v.license,
      description: v.description,
    };
  const rows = va && vb ? compareRows(config(va), config(vb)) : [];
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={hrefOf({ page: 'apps' })}>Apps</Link> / <Link href={hrefOf({ page: 'app', app, tab: 'models' })}>{app}</Link> /{' '}
        <Link href={hrefOf({ page: 'model', app, model })}>{model}</Link> / <span>compare</span>
      </nav>
      <h1>Compare versions of {model}</h1>
      <ErrorBox error={list.error} />
      <ErrorBox error={pair.error} />
      <div class="toolbar">
        {(['a', 'b'] as const).map((k) => (
          <Field key={k} label={`Version ${k.toUpperCase()}`} id={`compare-${k}`}>
            <select id={`compare-${k}`} value={k === 'a' ? a : b} onChange={(e) => pick(k, e.currentTarget.value)}>
              <option value="">choose…</option>
              {(list.data?.model_versions ?? []).map((v) => (
                <option key={v.id} value={v.id}>
                  {String(v.id).slice(0, 12)} ({versionChip(v.status).label})
                </option>
              ))}
            </select>
          </Field>
        ))}
      </div>
      {va && vb && (
        <table class="list compare">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">
                A <code>{String(va.id).slice(0, 8)}</code> <Chip chip={versionChip(va.status, va.metrics?.status)} />
              </th>
              <th scope="col">
                B <code>{String(vb.id).slice(0, 8)}</code> <Chip chip={versionChip(vb.status, vb.metrics?.status)} />
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.path} class={r.differs ? 'differs' : ''}>
                <th scope="row">
                  <code>{r.path}</code>
                  {r.differs && <span class="sr-only"> (differs)</span>}
                </th>
                <td>{r.a || <span class="muted">—</span>}</td>
                <td>{r.b || <span class="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
