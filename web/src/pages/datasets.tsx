import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { appPath } from '../api.js';
import type { Dataset, DatasetVersion } from '../api-types.js';
import { useApi } from '../context.js';
import { Curl, ErrorBox, Field, useAction, useLoad, when } from '../ui/common.js';

/** Datasets and their frozen versions (ListDatasets, ListDatasetVersions, PostDatasets, PostDatasetVersions). */
export function DatasetsPage({ app }: { app: string }): JSX.Element {
  const api = useApi();
  const base = `${appPath(app)}/datasets`;
  const list = useLoad(() => api.get<{ datasets: Dataset[] }>(`${base}?per_page=100`), [base]);
  const [id, setId] = useState('');
  const create = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await create.run(() => api.post(base, { datasets: [{ id: id.trim() }] }))) {
      setId('');
      list.reload();
    }
  };
  return (
    <>
      <ErrorBox error={list.error} />
      {(list.data?.datasets ?? []).map((d) => (
        <DatasetCard key={d.id} base={`${base}/${encodeURIComponent(d.id ?? '')}`} dataset={d} />
      ))}
      {!list.loading && (list.data?.datasets ?? []).length === 0 && <p class="muted">No datasets yet.</p>}
      <form class="card" onSubmit={submit}>
        <h2>Create a dataset</h2>
        <Field label="Dataset id" id="new-dataset-id">
          <input id="new-dataset-id" required value={id} onInput={(e) => setId(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={create.busy || !id.trim()}>
          Create dataset
        </button>
        <ErrorBox error={create.error} />
        <Curl method="POST" path={base} body={{ datasets: [{ id: id.trim() }] }} />
      </form>
    </>
  );
}

function DatasetCard({ base, dataset }: { base: string; dataset: Dataset }): JSX.Element {
  const api = useApi();
  const versions = useLoad(() => api.get<{ dataset_versions: DatasetVersion[] }>(`${base}/versions?per_page=50`), [base]);
  const freeze = useAction();
  const doFreeze = async () => {
    if (await freeze.run(() => api.post(`${base}/versions`, { dataset_versions: [{}] }))) versions.reload();
  };
  return (
    <div class="card">
      <div class="title-row">
        <h2>{dataset.id}</h2>
        <button type="button" class="secondary" onClick={doFreeze} disabled={freeze.busy}>
          Freeze a version
        </button>
      </div>
      <p class="muted">Created {when(dataset.created_at)}</p>
      <ErrorBox error={versions.error} />
      <ErrorBox error={freeze.error} />
      <ul>
        {(versions.data?.dataset_versions ?? []).map((v) => (
          <li key={v.id}>
            <code>{v.id}</code> — {when(v.created_at)} {v.status?.description ? `· ${v.status.description}` : ''}
            {v.metrics?.['/']?.inputs_count !== undefined ? ` · ${v.metrics['/'].inputs_count} inputs` : ''}
          </li>
        ))}
        {!versions.loading && (versions.data?.dataset_versions ?? []).length === 0 && <li class="muted">No frozen versions.</li>}
      </ul>
    </div>
  );
}
