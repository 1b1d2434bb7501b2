import type { Command } from 'commander';
import type { ModelTypeField } from '../../gen/api.js';
import type { Concept, Model, ModelType } from '../client/messages.js';
import { clientCommand, keyValue, list, positiveInt } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { shortTime, statusText } from '../output.js';
import { stateText } from './version-phase.js';

const SORTS = { name: 'sort_by_name', created: 'sort_by_created_at', modified: 'sort_by_modified_at', inputs: 'sort_by_num_inputs' } as const;

const modelRow = (m: Model) => [
  m.id,
  m.model_type_id,
  m.model_version?.id ?? '',
  stateText(m.model_version?.status),
  shortTime(m.modified_at ?? m.created_at),
  m.description,
];

/** models list|get|create|patch|delete, concepts list|create, types list|get. */
export function registerModels(program: Command): void {
  program.commandsGroup('Work in an app:');
  const models = program.command('models').description('list, show, create, change and delete models');
  clientCommand<{ name?: string; query?: string; type?: string; trainedOnly?: boolean; sort?: string; asc?: boolean; page?: number; perPage?: number }>(
    models,
    'list',
    "the app's models (filters and sorts of ListModels)",
    async ({ api, out }, _a, o) => {
      if (o.sort && !(o.sort in SORTS)) throw new UsageError(`--sort is one of ${Object.keys(SORTS).join(', ')} (got ${JSON.stringify(o.sort)})`);
      const r = await api.get<{ models: Model[] }>(api.appPath('/models'), {
        name: o.name,
        query: o.query,
        model_type_id: o.type,
        trained_only: o.trainedOnly ? true : undefined,
        ...(o.sort ? { [SORTS[o.sort as keyof typeof SORTS]]: true } : {}),
        sort_ascending: o.asc ? true : undefined,
        page: o.page,
        per_page: o.perPage,
      });
      out.result(
        r,
        () => out.table(['ID', 'TYPE', 'LATEST VERSION', 'STATE', 'MODIFIED', 'DESCRIPTION'], r.models.map(modelRow)),
        () => r.models.map((m) => m.id),
      );
    },
  )
    .option('--name <pattern>', 'name matches (SQL LIKE wildcards % and _)')
    .option('--query <words>', 'words in id, name, description or notes')
    .option('--type <model_type_id>', 'only this model type')
    .option('--trained-only', 'only models with a trained version')
    .option('--sort <field>', `sort by ${Object.keys(SORTS).join(' | ')} (default modified)`)
    .option('--asc', 'ascending order')
    .option('--page <n>', 'page number', positiveInt)
    .option('--per-page <n>', 'models a page (default 128)', positiveInt);

  clientCommand(models, 'get <model>', 'one model, with its latest version', async ({ api, out }, [id]) => {
    const r = await api.get<{ model: Model }>(api.appPath(`/models/${encodeURIComponent(id!)}`));
    const m = r.model;
    out.result(
      r,
      () =>
        out.record([
          ['id', m.id],
          ['name', m.name],
          ['type', m.model_type_id],
          ['description', m.description],
          ['notes', m.notes],
          ['created', shortTime(m.created_at)],
          ['modified', shortTime(m.modified_at)],
          ['version', m.model_version?.id],
          ['status', statusText(m.model_version?.status)],
        ]),
      () => [m.id],
    );
  });

  clientCommand<{ type?: string; name?: string; description?: string; notes?: string }>(
    models,
    'create <id>',
    'create a model (no version: `versions create` makes one)',
    async ({ api, out }, [id], o) => {
      const model: Record<string, unknown> = { id };
      if (o.type) model.model_type_id = o.type;
      if (o.name) model.name = o.name;
      if (o.description) model.description = o.description;
      if (o.notes) model.notes = o.notes;
      const r = await api.post<{ model: Model }>(api.appPath('/models'), { model });
      out.result(
        r,
        () => out.line(`created model ${r.model.id} (${r.model.model_type_id})`),
        () => [r.model.id],
      );
    },
  )
    .option('--type <model_type_id>', 'model type (`modelkeep types list`; default embedding-classifier)')
    .option('--name <name>', 'display name')
    .option('--description <text>', 'short description')
    .option('--notes <text>', 'longer notes');

  clientCommand<{ name?: string; description?: string; notes?: string; metadata?: Record<string, unknown>; action: string }>(
    models,
    'patch <id>',
    'change model-level fields (never creates a version)',
    async ({ api, out }, [id], o) => {
      const model: Record<string, unknown> = { id };
      if (o.name !== undefined) model.name = o.name;
      if (o.description !== undefined) model.description = o.description;
      if (o.notes !== undefined) model.notes = o.notes;
      if (o.metadata) model.metadata = o.metadata;
      if (Object.keys(model).length === 1) throw new UsageError('nothing to change: give --name, --description, --notes or --metadata');
      const r = await api.patch<{ models: Model[] }>(api.appPath('/models'), { action: o.action, models: [model] });
      out.result(
        r,
        () => out.line(`patched model ${id}`),
        () => [id!],
      );
    },
  )
    .option('--name <name>', 'display name')
    .option('--description <text>', 'short description')
    .option('--notes <text>', 'longer notes')
    .option('--metadata <key=value>', 'metadata entry (repeatable; values read as JSON)', keyValue)
    .option('--action <merge|overwrite|remove>', 'how the change applies', 'merge');

  clientCommand<{ yes?: boolean }>(models, 'delete <id>', 'delete a model and all its versions', async ({ api, out }, [id], o) => {
    if (!o.yes) throw new UsageError(`deleting model ${id} deletes all its versions: add --yes to confirm`);
    const r = await api.delete(api.appPath(`/models/${encodeURIComponent(id!)}`));
    out.result(
      r,
      () => out.line(`deleted model ${id}`),
      () => [id!],
    );
  }).option('-y, --yes', 'confirm');

  const concepts = program.command('concepts').description('list and create concepts');
  clientCommand<{ perPage?: number }>(concepts, 'list', "the app's concepts", async ({ api, out }, _a, o) => {
    const r = await api.get<{ concepts: Concept[] }>(api.appPath('/concepts'), { per_page: o.perPage ?? 1000 });
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'NAME', 'CREATED'],
          r.concepts.map((c) => [c.id, c.name, shortTime(c.created_at)]),
        ),
      () => r.concepts.map((c) => c.id),
    );
  }).option('--per-page <n>', 'concepts a page (default 1000)', positiveInt);
  clientCommand(concepts, 'create <ids...>', 'create concepts (id = name), e.g. `concepts create cat dog` or `cat,dog`', async ({ api, out }, ids) => {
    const all = ids.flatMap((i) => list(i));
    const r = await api.post<{ concepts: Concept[] }>(api.appPath('/concepts'), { concepts: all.map((id) => ({ id, name: id })) });
    out.result(
      r,
      () => out.line(`created ${r.concepts.length} concept${r.concepts.length === 1 ? '' : 's'}: ${r.concepts.map((c) => c.id).join(', ')}`),
      () => r.concepts.map((c) => c.id),
    );
  });

  const types = program.command('types').description('the model types: what each takes, gives and can be configured with');
  clientCommand(types, 'list', 'every model type', async ({ api, out }) => {
    const r = await api.get<{ model_types: ModelType[] }>(api.app ? api.appPath('/models/types') : '/v2/models/types');
    out.result(
      r,
      () =>
        out.table(
          ['ID', 'TRAINABLE', 'INPUT', 'OUTPUT', 'TITLE'],
          r.model_types.map((t) => [t.id, t.trainable ? 'yes' : '', (t.input_fields ?? []).join(','), (t.output_fields ?? []).join(','), t.title]),
        ),
      () => r.model_types.map((t) => t.id),
    );
  });
  clientCommand(types, 'get <id>', 'one model type with its fields (the paths versions create --param sets)', async ({ api, out }, [id]) => {
    const r = await api.get<{ model_type: ModelType }>(
      api.app ? api.appPath(`/models/types/${encodeURIComponent(id!)}`) : `/v2/models/types/${encodeURIComponent(id!)}`,
    );
    const t = r.model_type;
    out.result(
      r,
      () => {
        out.record([
          ['id', t.id],
          ['title', t.title],
          ['trainable', t.trainable ? 'yes' : 'no'],
          ['input', (t.input_fields ?? []).join(', ')],
          ['output', (t.output_fields ?? []).join(', ')],
          ['description', t.description],
        ]);
        out.line();
        out.table(['FIELD', 'DEFAULT', 'REQUIRED', 'DESCRIPTION'], fieldRows(t.model_type_fields ?? []), '(no fields)');
      },
      () => [t.id],
    );
  });
}

/** A type's fields, then each option's own fields under it (a template's hyper-parameters), indented. */
function fieldRows(fields: readonly ModelTypeField[], indent = ''): (string | undefined)[][] {
  const rows: (string | undefined)[][] = [];
  for (const f of fields) {
    const options = f.model_type_enum_options ?? [];
    const choice = options.length ? ` one of: ${options.map((o) => `${o.id}${o.recommended ? ' (recommended)' : ''}`).join(', ')}` : '';
    rows.push([
      `${indent}${f.path ?? ''}`,
      f.default_value === undefined ? '' : JSON.stringify(f.default_value),
      f.required ? 'yes' : '',
      `${f.description ?? ''}${choice}`,
    ]);
    for (const o of options)
      if (o.model_type_fields?.length) rows.push([`${indent}  [${o.id}]`, '', '', o.description], ...fieldRows(o.model_type_fields, `${indent}    `));
  }
  return rows;
}

/** The recommended value of `train_info.params.template` of a type, if it has such a field. */
export function recommendedTemplate(t: ModelType): string | undefined {
  const f = (t.model_type_fields ?? []).find((x) => x.path === 'train_info.params.template');
  const opts = f?.model_type_enum_options ?? [];
  return (opts.find((o) => o.recommended) ?? (opts.length === 1 ? opts[0] : undefined))?.id;
}
