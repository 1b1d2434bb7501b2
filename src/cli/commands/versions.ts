import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Model, ModelType, ModelVersion, Status } from '../client/messages.js';
import { clientCommand, keyValue, list, positiveInt } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { shortTime, statusText } from '../output.js';
import { Progress } from '../progress.js';
import { recommendedTemplate } from './models.js';
import { registerVersionExport } from './version-export.js';
import { stateText, trainingSeconds } from './version-phase.js';
import { printLogs, versionPath, waitForVersion } from './wait-version.js';

const versionRow = (v: ModelVersion) => [
  v.id,
  stateText(v.status),
  v.active_concept_count ?? '',
  v.total_input_count ?? '',
  shortTime(v.created_at),
  v.description,
];

interface UploadFlags {
  id?: string;
  description?: string;
  concepts?: string[];
  baseModel?: string;
  wait?: boolean;
  interval: number;
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UsageError(`${file} is not a file; give the path of a .zip or .tar.gz package`);
    return s.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

interface CreateFlags {
  concepts?: string[];
  exclusive?: boolean;
  param?: Record<string, unknown>;
  template?: string;
  dataset?: string;
  datasetVersion?: string;
  description?: string;
  wait?: boolean;
  interval: number;
}

/** versions list|get|create|upload|export|patch|delete|wait|logs. */
export function registerVersions(program: Command): void {
  const versions = program.command('versions').description("a model's versions: train, watch, inspect, change, delete");
  clientCommand<{ page?: number; perPage?: number }>(versions, 'list <model>', "a model's versions, newest first", async ({ api, out }, [model], o) => {
    const r = await api.get<{ model_versions: ModelVersion[] }>(api.appPath(`/models/${encodeURIComponent(model!)}/versions`), {
      page: o.page,
      per_page: o.perPage,
    });
    out.result(
      r,
      () => out.table(['ID', 'STATE', 'CONCEPTS', 'INPUTS', 'CREATED', 'DESCRIPTION'], r.model_versions.map(versionRow)),
      () => r.model_versions.map((v) => v.id),
    );
  })
    .option('--page <n>', 'page number', positiveInt)
    .option('--per-page <n>', 'versions a page', positiveInt);

  clientCommand(versions, 'get <model> <version>', 'one version: status, concepts, training settings', async ({ api, out }, [model, id]) => {
    const r = await api.get<{ model_version: ModelVersion }>(versionPath(api, model!, id!));
    const v = r.model_version;
    const secs = trainingSeconds(v);
    out.result(
      r,
      () =>
        out.record([
          ['id', v.id],
          ['status', statusText(v.status)],
          ['details', v.status.details],
          ['progress', v.status.percent_completed ? `${v.status.percent_completed}%` : undefined],
          ['concepts', v.active_concept_count],
          ['inputs', v.total_input_count],
          ['created', shortTime(v.created_at)],
          ['completed', shortTime(v.completed_at)],
          ['took', secs === undefined ? undefined : `${secs.toFixed(1)} s`],
          ['params', v.train_info?.params ? JSON.stringify(v.train_info.params) : undefined],
          ['description', v.description],
        ]),
      () => [v.id],
    );
  });

  clientCommand<CreateFlags>(
    versions,
    'create <model>',
    'create a version: trainable types queue a training (--wait to watch it)',
    async ({ api, out }, [model], o) => {
      const params: Record<string, unknown> = { ...(o.param ?? {}) };
      if (o.template) params.template = o.template;
      else if (params.template === undefined) {
        // A type that needs a template gets its recommended one, said out loud (the server would refuse none).
        const { model: m } = await api.get<{ model: Model }>(api.appPath(`/models/${encodeURIComponent(model!)}`), undefined, `reading model ${model}`);
        const type = m.model_type_id
          ? await api.get<{ model_type: ModelType }>(
              api.appPath(`/models/types/${encodeURIComponent(m.model_type_id)}`),
              undefined,
              `reading model type ${m.model_type_id}`,
            )
          : undefined;
        const t = type ? recommendedTemplate(type.model_type) : undefined;
        if (t) {
          params.template = t;
          out.note(`training template: ${t} (the recommended one of ${m.model_type_id}; --template picks another)`);
        }
      }
      if (o.dataset) params.dataset_id = o.dataset;
      if (o.datasetVersion) params.dataset_version_id = o.datasetVersion;
      const version: Record<string, unknown> = {};
      if (o.concepts?.length || o.exclusive) {
        version.output_info = {
          ...(o.concepts?.length ? { data: { concepts: o.concepts.map((id) => ({ id })) } } : {}),
          ...(o.exclusive ? { output_config: { concepts_mutually_exclusive: true } } : {}),
        };
      }
      if (Object.keys(params).length) version.train_info = { params };
      if (o.description) version.description = o.description;
      const r = await api.post<{ model: Model }>(
        api.appPath(`/models/${encodeURIComponent(model!)}/versions`),
        { model_versions: [version] },
        `creating a version of ${model}`,
      );
      const v = r.model.model_version;
      if (!v) throw new UsageError('the server answered without the new version');
      if (o.wait) {
        out.note(`created version ${v.id} of ${model}`);
        await waitForVersion(api, out, model!, v.id, o.interval);
        return;
      }
      out.result(
        r,
        () => {
          out.line(`created version ${v.id} of ${model}: ${statusText(v.status)}`);
          if (v.status.code === 21103) out.note(`watch it: modelkeep versions wait ${model} ${v.id}`);
        },
        () => [v.id],
      );
    },
  )
    .option('--concepts <ids>', 'the concepts the version predicts, comma-separated', list)
    .option('--exclusive', 'concepts are mutually exclusive (softmax); default one-vs-rest')
    .option('--param <key=value>', 'a train_info.params entry (repeatable; values read as JSON), see `modelkeep types get <type>`', keyValue)
    .option('--template <name>', 'training template (train_info.params.template)')
    .option('--dataset <id>', 'train on this dataset (its current inputs)')
    .option('--dataset-version <id>', 'train on this frozen dataset version')
    .option('--description <text>', 'what changed in this version')
    .option('-w, --wait', 'wait for the training to end, with a progress bar')
    .option('--interval <ms>', 'how often --wait asks the server', positiveInt, 500)
    .addHelpText(
      'after',
      '\nExamples:\n  modelkeep versions create pets --concepts cat,dog --exclusive --param seed=1 --wait\n  modelkeep versions create sentiment --concepts positive,negative --template modelkeep_text_logreg',
    );

  clientCommand<UploadFlags>(
    versions,
    'upload <model> <package>',
    'upload an ONNX model package (.zip or .tar.gz with model.onnx and config.json) as a new version',
    async ({ api, out }, [model, file], o) => {
      const size = await fileSize(file!);
      const bar = new Progress(
        out.streams.err,
        'uploading [{bar}] {percentage}% | {value}/{total} bytes | {duration_formatted}',
        (v, t) => `uploading ${t > 0 ? Math.floor((v / t) * 10) * 10 : 0}%`,
        !out.quiet,
      );
      const version: Record<string, unknown> = {};
      if (o.id) version.id = o.id;
      if (o.description) version.description = o.description;
      if (o.concepts?.length) version.output_info = { data: { concepts: o.concepts.map((id) => ({ id })) } };
      if (o.baseModel) version.input_info = { base_embed_model: { id: o.baseModel, user_id: 'clarifai', app_id: 'main' } };
      let sent = 0;
      bar.start(size, 0, {});
      const r = await api
        .postBytes<{ model_version_id: string; status: Status }>(
          api.appPath(`/models/${encodeURIComponent(model!)}/versions/upload`),
          { stream: createReadStream(file!), length: size },
          Object.keys(version).length > 0 ? { model_version: JSON.stringify(version) } : {},
          `uploading ${file} to ${model}`,
          (n) => bar.update((sent += n), {}),
        )
        .finally(() => bar.stop());
      if (o.wait) {
        out.note(`uploaded version ${r.model_version_id} of ${model}; checking it`);
        await waitForVersion(api, out, model!, r.model_version_id, o.interval);
        return;
      }
      out.result(
        r,
        () => {
          out.line(`uploaded version ${r.model_version_id} of ${model}: ${statusText(r.status)}`);
          out.note(`watch it: modelkeep versions wait ${model} ${r.model_version_id}`);
        },
        () => [r.model_version_id],
      );
    },
  )
    .option('--id <id>', 'the version id (default: a new one)')
    .option('--description <text>', 'what this version is')
    .option('--concepts <ids>', "the concepts, if you want them checked against the package's config", list)
    .option('--base-model <id>', 'the built-in embedder feeding a package that takes an embedding (input_info.base_embed_model)')
    .option('-w, --wait', 'wait until the package is checked (21100) or refused, with the reason')
    .option('--interval <ms>', 'how often --wait asks the server', positiveInt, 500)
    .addHelpText(
      'after',
      '\nThe package: model.onnx and config.json (or config.yaml) at its root; see README "Bring your own model".\nExamples:\n  modelkeep versions upload topics head.zip --wait\n  modelkeep versions upload pets resnet.tar.gz --id v2 --description "fine-tuned elsewhere"',
    );

  registerVersionExport(versions);

  clientCommand<{ interval: number }>(
    versions,
    'wait <model> <version>',
    'wait for a training to end, with a progress bar (Ctrl-C stops waiting, not the training)',
    async ({ api, out }, [model, id], o) => {
      await waitForVersion(api, out, model!, id!, o.interval);
    },
  ).option('--interval <ms>', 'how often to ask the server', positiveInt, 500);

  clientCommand<{ follow?: boolean; interval: number }>(
    versions,
    'logs <model> <version>',
    "a version's training log",
    async ({ api, out }, [model, id], o) => {
      await printLogs(api, out, model!, id!, Boolean(o.follow), o.interval);
    },
  )
    .option('-f, --follow', 'keep printing new lines until the training ends')
    .option('--interval <ms>', 'how often --follow asks the server', positiveInt, 1000);

  clientCommand<{ description?: string; maxConcepts?: number; minValue?: number; metadata?: Record<string, unknown>; action: string }>(
    versions,
    'patch <model> <version>',
    'change description, metadata or prediction settings of a version (never concepts)',
    async ({ api, out }, [model, id], o) => {
      const v: Record<string, unknown> = { id };
      if (o.description !== undefined) v.description = o.description;
      if (o.metadata) v.metadata = o.metadata;
      const oc: Record<string, unknown> = {};
      if (o.maxConcepts !== undefined) oc.max_concepts = o.maxConcepts;
      if (o.minValue !== undefined) oc.min_value = o.minValue;
      if (Object.keys(oc).length) v.output_info = { output_config: oc };
      if (Object.keys(v).length === 1) throw new UsageError('nothing to change: give --description, --metadata, --max-concepts or --min-value');
      const r = await api.patch<{ model_versions: ModelVersion[] }>(api.appPath(`/models/${encodeURIComponent(model!)}/versions`), {
        action: o.action,
        model_versions: [v],
      });
      out.result(
        r,
        () => out.line(`patched version ${id} of ${model}`),
        () => [id!],
      );
    },
  )
    .option('--description <text>', 'description')
    .option('--metadata <key=value>', 'metadata entry (repeatable; values read as JSON)', keyValue)
    .option('--max-concepts <n>', 'default max_concepts of predictions', positiveInt)
    .option('--min-value <x>', 'default min_value of predictions', Number)
    .option('--action <merge|overwrite|remove>', 'how the change applies', 'merge');

  clientCommand<{ yes?: boolean }>(
    versions,
    'delete <model> <version>',
    'delete a version (a queued or running training is cancelled)',
    async ({ api, out }, [model, id], o) => {
      if (!o.yes) throw new UsageError(`add --yes to delete version ${id} of ${model}`);
      const r = await api.delete(versionPath(api, model!, id!));
      out.result(
        r,
        () => out.line(`deleted version ${id} of ${model}`),
        () => [id!],
      );
    },
  ).option('-y, --yes', 'confirm');
}
