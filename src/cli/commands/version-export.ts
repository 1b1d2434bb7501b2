import { rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Api } from '../client/api.js';
import type { Status } from '../client/messages.js';
import { clientCommand, positiveInt } from '../command-kit.js';
import { CliError, UsageError } from '../errors.js';
import type { Printer } from '../output.js';
import { statusText } from '../output.js';
import { versionPath } from './wait-version.js';

interface ModelVersionExport {
  status: Status;
  url?: string;
  size?: string;
}

/** The export is ready to download (MODEL_EXPORTED). */
const EXPORTED = 21500;
/** Still being built (MODEL_EXPORTING, MODEL_EXPORT_PENDING): Clarifai builds exports in the background; --wait polls through them. */
const BUILDING = new Set([21501, 21503]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function exported(api: Api, path: string, wait: boolean, intervalMs: number, out: Printer): Promise<ModelVersionExport> {
  let e = (await api.put<{ export: ModelVersionExport }>(path, {}, 'exporting the version')).export;
  while (wait && BUILDING.has(e.status.code)) {
    out.note(`export: ${statusText(e.status)}`);
    await sleep(intervalMs);
    e = (await api.get<{ export: ModelVersionExport }>(path, {}, 'reading the export')).export;
  }
  return e;
}

/** `versions export`: PutModelVersionExports, then the package downloaded from its url (decision 0041). */
export function registerVersionExport(versions: Command): void {
  clientCommand<{ out?: string; wait?: boolean; interval: number }>(
    versions,
    'export <model> <version>',
    'export a trained version as an ONNX package (model.onnx + config.json in a zip) that `versions upload` takes',
    async ({ api, out }, [model, version], o) => {
      const file = o.out ?? `${model}-${version}.zip`;
      const e = await exported(api, `${versionPath(api, model!, version!)}/exports`, Boolean(o.wait), o.interval, out);
      if (e.status.code !== EXPORTED || !e.url) {
        if (BUILDING.has(e.status.code)) {
          out.result({ export: e }, () => out.line(`export of ${model} ${version}: ${statusText(e.status)}; run again with --wait to download it`));
          return;
        }
        throw new CliError(`export of ${model} ${version} failed: ${statusText(e.status)}`, 1);
      }
      const bytes = await api.download(e.url, `downloading the export of ${model} ${version}`);
      if (e.size !== undefined && bytes.length !== Number(e.size)) {
        throw new CliError(`the download of ${e.url} gave ${bytes.length} bytes, the export says ${e.size}; try again`, 1);
      }
      // Written beside the target and renamed, so an interrupted download never leaves a partial package under its name.
      const partial = `${file}.partial`;
      try {
        await writeFile(partial, bytes);
        await rename(partial, file);
      } catch (err) {
        throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
      }
      out.result(
        { export: e, file },
        () => {
          out.line(`exported version ${version} of ${model} to ${file} (${bytes.length} bytes)`);
          out.note(`upload it elsewhere: modelkeep versions upload <model> ${file} --wait`);
        },
        () => [file],
      );
    },
  )
    .option('-o, --out <file>', 'where to write the package (default: <model>-<version>.zip)')
    .option('-w, --wait', 'wait while the server is still building the export, then download it')
    .option('--interval <ms>', 'how often --wait asks the server', positiveInt, 1000)
    .addHelpText(
      'after',
      '\nOnly trained classifier versions export (text-classifier, visual-classifier, embedding-classifier).\nExamples:\n  modelkeep versions export topics 3f0c… --out topics.zip --wait\n  modelkeep versions upload topics-copy topics.zip --wait',
    );
}
