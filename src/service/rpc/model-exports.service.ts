/**
 * PutModelVersionExports / GetModelVersionExport (decision 0041): a trained classifier version as a
 * downloadable package our upload takes. Put builds the package in the request (a linear head is a
 * few kilobytes to a few megabytes: no job to wait for) and stores it; Get reports it. Clarifai's
 * Python client (Model.export) calls Get first and reads CONN_DOES_NOT_EXIST as "not exported yet",
 * then Put, then polls Get until MODEL_EXPORTED and downloads `export.url` with its key, in ranges.
 */
import type { Model, ModelVersion } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { exportProblem } from '../../domain/export-rules.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { Code } from '../../domain/status-codes.js';
import { statusJson } from '../../domain/status-json.js';
import type { ExportInfo } from '../../ports/artifacts.js';
import type { PluginLookup } from '../../ports/plugins.js';
import type { Store } from '../../ports/store.js';
import { typedRpcs } from '../core/context.js';
import { typeOf } from './model-versions.service.js';
import { findModel, findVersion } from './models.service.js';

export interface ExportDeps {
  store: Store;
  types: ModelTypeRegistry;
  plugins: PluginLookup;
  /** Public URL of the REST port (known once it listens): base of `export.url`. */
  hostedBase?: () => string | undefined;
}

/** Where a version's package is downloaded (outside /v2, so no proto binding can collide); see transport/rest/model-export-route.ts. */
export const exportPath = (m: Pick<Model, 'userId' | 'appId' | 'id'>, versionId: string): string =>
  `/exports/users/${encodeURIComponent(m.userId)}/apps/${encodeURIComponent(m.appId)}/models/${encodeURIComponent(m.id)}/versions/${encodeURIComponent(versionId)}/model.zip`;

function exportOf(model: Model, version: ModelVersion, info: ExportInfo, base: string | undefined) {
  return {
    status: statusJson(
      Code.MODEL_EXPORTED,
      `The package (model.onnx and config.json, a zip) of version '${version.id}' is ready to download with this app's key.`,
    ),
    url: `${base ?? ''}${exportPath(model, version.id)}`,
    size: String(info.size),
  };
}

export function exportRpcs(d: ExportDeps) {
  return typedRpcs({
    PutModelVersionExports: {
      access: 'app-write',
      async handle(ctx, req) {
        const model = await findModel(d.store, ctx, req.model_id);
        const version = await findVersion(d.store, model, req.version_id);
        const existing = await d.store.exports.info(version.pk);
        // A trained version never changes, so its export is built once; Put again answers the same package.
        if (existing) return { export: exportOf(model, version, existing, d.hostedBase?.()) };
        const type = typeOf(d.types, model);
        const problem = exportProblem(type.id, version);
        if (problem) throw new ApiError(problem.code, problem.details);
        const plugin = d.plugins.forVersion(model, version);
        if (!plugin?.exportPackage) throw new ApiError(Code.MODEL_INVALID_ARGUMENT, `A ${type.id} version cannot be exported on this server.`);
        const bytes = await plugin.exportPackage(version, model);
        await d.store.exports.put(version.pk, bytes, ctx.now);
        return { export: exportOf(model, version, { size: bytes.length, createdAt: ctx.now }, d.hostedBase?.()) };
      },
    },
    GetModelVersionExport: {
      access: 'app-read',
      async handle(ctx, req) {
        const model = await findModel(d.store, ctx, req.model_id);
        const version = await findVersion(d.store, model, req.version_id);
        const info = await d.store.exports.info(version.pk);
        if (!info) {
          throw new ApiError(
            Code.CONN_DOES_NOT_EXIST,
            `Model version '${version.id}' has not been exported; call PutModelVersionExports (PUT …/models/${model.id}/versions/${version.id}/exports) first.`,
          );
        }
        return { export: exportOf(model, version, info, d.hostedBase?.()) };
      },
    },
  });
}
