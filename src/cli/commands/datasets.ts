import type { Command } from 'commander';
import { MAX_ITEMS_PER_CALL } from '../../domain/limits.js';
import type { Dataset, DatasetVersion, Input } from '../client/messages.js';
import { clientCommand, positiveInt } from '../command-kit.js';
import { shortTime, statusText } from '../output.js';

const ds = (id: string) => `/datasets/${encodeURIComponent(id)}`;

/** datasets list|get|create|add-inputs|inputs and dataset-versions list|get|create. */
export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('group inputs into datasets to train on');
  clientCommand(datasets, 'list', "the app's datasets", async ({ api, out }) => {
    const r = await api.get<{ datasets: Dataset[] }>(api.appPath('/datasets'), { per_page: 1000 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'LATEST VERSION', 'CREATED', 'DESCRIPTION'],
          r.datasets.map((d) => [d.id, d.version?.id, shortTime(d.created_at), d.description]),
        ),
      () => r.datasets.map((d) => d.id),
    );
  });
  clientCommand(datasets, 'get <id>', 'one dataset', async ({ api, out }, [id]) => {
    const r = await api.get<{ dataset: Dataset }>(api.appPath(ds(id!)));
    const d = r.dataset;
    out.result(
      r,
      () =>
        out.record([
          ['id', d.id],
          ['description', d.description],
          ['latest version', d.version?.id],
          ['created', shortTime(d.created_at)],
        ]),
      () => [d.id],
    );
  });
  clientCommand<{ description?: string }>(datasets, 'create <id>', 'create a dataset', async ({ api, out }, [id], o) => {
    const r = await api.post<{ datasets: Dataset[] }>(api.appPath('/datasets'), {
      datasets: [{ id, ...(o.description ? { description: o.description } : {}) }],
    });
    out.result(
      r,
      () => out.line(`created dataset ${id}`),
      () => [id!],
    );
  }).option('--description <text>', 'what the dataset holds');
  clientCommand(datasets, 'add-inputs <id> <input-ids...>', 'add inputs (by id) to a dataset', async ({ api, out }, [id, ...ids]) => {
    for (let i = 0; i < ids.length; i += MAX_ITEMS_PER_CALL) {
      await api.post(
        api.appPath(`${ds(id!)}/inputs`),
        { dataset_inputs: ids.slice(i, i + MAX_ITEMS_PER_CALL).map((x) => ({ input: { id: x } })) },
        `adding inputs to ${id}`,
      );
    }
    out.result(
      { status: { code: 10000 }, dataset_id: id, input_ids: ids },
      () => out.line(`added ${ids.length} input${ids.length === 1 ? '' : 's'} to dataset ${id}`),
      () => ids,
    );
  });
  clientCommand<{ perPage?: number; page?: number }>(datasets, 'inputs <id>', "a dataset's inputs", async ({ api, out }, [id], o) => {
    const r = await api.get<{ dataset_inputs: { input: Input }[] }>(api.appPath(`${ds(id!)}/inputs`), { page: o.page, per_page: o.perPage ?? 50 });
    out.result(
      r,
      () =>
        out.table(
          ['INPUT', 'CONCEPTS', 'STATUS'],
          r.dataset_inputs.map((d) => [d.input.id, (d.input.data?.concepts ?? []).map((c) => c.id).join(','), statusText(d.input.status)]),
        ),
      () => r.dataset_inputs.map((d) => d.input.id),
    );
  })
    .option('--page <n>', 'page number', positiveInt)
    .option('--per-page <n>', 'inputs a page (default 50)', positiveInt);

  const versions = program.command('dataset-versions').description("frozen snapshots of a dataset's inputs and labels, for reproducible training");
  clientCommand(versions, 'list <dataset>', "a dataset's versions", async ({ api, out }, [id]) => {
    const r = await api.get<{ dataset_versions: DatasetVersion[] }>(api.appPath(`${ds(id!)}/versions`), { per_page: 1000 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'STATUS', 'CREATED', 'DESCRIPTION'],
          r.dataset_versions.map((v) => [v.id, statusText(v.status), shortTime(v.created_at), v.description]),
        ),
      () => r.dataset_versions.map((v) => v.id),
    );
  });
  clientCommand(versions, 'get <dataset> <version>', 'one dataset version', async ({ api, out }, [id, v]) => {
    const r = await api.get<{ dataset_version: DatasetVersion }>(api.appPath(`${ds(id!)}/versions/${encodeURIComponent(v!)}`));
    const d = r.dataset_version;
    out.result(
      r,
      () =>
        out.record([
          ['id', d.id],
          ['dataset', d.dataset_id],
          ['status', statusText(d.status)],
          ['description', d.description],
          ['metrics', d.metrics ? JSON.stringify(d.metrics) : undefined],
          ['created', shortTime(d.created_at)],
        ]),
      () => [d.id],
    );
  });
  clientCommand<{ id?: string; description?: string }>(
    versions,
    'create <dataset>',
    'freeze the dataset as it is now (train on it with versions create --dataset-version)',
    async ({ api, out }, [id], o) => {
      const r = await api.post<{ dataset_versions: DatasetVersion[] }>(api.appPath(`${ds(id!)}/versions`), {
        dataset_versions: [{ ...(o.id ? { id: o.id } : {}), ...(o.description ? { description: o.description } : {}) }],
      });
      const v = r.dataset_versions[0];
      out.result(
        r,
        () => out.line(`created version ${v?.id ?? ''} of dataset ${id}`),
        () => (v ? [v.id] : []),
      );
    },
  )
    .option('--id <id>', 'the version id (default: generated)')
    .option('--description <text>', 'what this snapshot is');
}
