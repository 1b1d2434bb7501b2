/**
 * PostModelVersionsUpload, Clarifai's stream for uploading a model version (decision 0036): an
 * `upload_config` first (model, version fields, `total_size`), then `content_part`s. Each message is
 * answered with 68000 UPLOAD_IN_PROGRESS, `bytes_remaining`, the version id and the percentage;
 * the answer to the last byte is 21107 MODEL_BUILDING, which is what Clarifai's Python client
 * waits for before it polls GetModelVersion. The package is written to a file as it arrives, so it
 * is never held whole in memory; nothing is stored until all of it has arrived and passed the checks
 * (uploaded-version.ts), and a stream that breaks off leaves nothing behind.
 */
import { type FileHandle, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Model } from '../../domain/entities.js';
import { ApiError } from '../../domain/errors.js';
import { assertValidId, newId } from '../../domain/ids.js';
import { Code } from '../../domain/status-codes.js';
import type * as api from '../../gen/api.js';
import type { ApiObject, CallContext, StreamImpl, StreamSession } from '../core/context.js';
import { statusOf } from '../core/status.js';
import { findModel } from './models.service.js';
import { acceptPackage, checkPackageSize, checkUploadable, checkVersionIdFree, type UploadDeps } from './uploaded-version.js';

const SCRATCH_PREFIX = 'modelkeep-upload-';

/** Where packages are written while they arrive: one private directory per upload, removed when it ends. */
async function scratchFile(): Promise<{ dir: string; file: string; fh: FileHandle }> {
  const dir = await mkdtemp(path.join(tmpdir(), SCRATCH_PREFIX));
  const file = path.join(dir, 'package');
  return { dir, file, fh: await open(file, 'wx', 0o600) };
}

const invalid = (details: string): ApiError => new ApiError(Code.MODEL_INVALID_REQUEST, details);

class UploadSession implements StreamSession {
  readonly first: ApiObject;
  #received = 0;
  #done = false;

  constructor(
    private readonly deps: UploadDeps,
    private readonly ctx: CallContext,
    private readonly model: Model,
    private readonly fields: api.ModelVersion,
    private readonly versionId: string,
    private readonly total: number,
    private readonly scratch: { dir: string; file: string; fh: FileHandle },
  ) {
    this.first = this.progress(`Upload of version '${versionId}' started: send its ${total} bytes in content_part messages.`);
  }

  private progress(details: string): ApiObject {
    const status = statusOf(Code.UPLOAD_IN_PROGRESS, details, this.ctx.reqId);
    status.percent_completed = Math.floor((this.#received / this.total) * 100);
    return { status, bytes_remaining: String(this.total - this.#received), model_version_id: this.versionId };
  }

  async next(req: ApiObject): Promise<ApiObject> {
    const r = req as api.PostModelVersionsUploadRequest;
    if (r.upload_config) throw invalid('upload_config is sent once, as the first message; the messages after it carry content_part only.');
    if (this.#done) throw invalid(`All ${this.total} bytes of the package have arrived; send nothing more.`);
    const part = r.content_part;
    if (!part) throw invalid('Each message after upload_config must carry content_part (data, part_number).');
    // gRPC's codec gives bytes as base64; the REST upload route hands its raw body chunks through as they are.
    const raw: unknown = part.data;
    const data = raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(String(raw ?? ''), 'base64');
    if (data.length === 0) throw invalid(`content_part${part.part_number ? ` ${part.part_number}` : ''} carries no data.`);
    if (this.#received + data.length > this.total) {
      throw invalid(`The content_parts carry more than upload_config.total_size (${this.total} bytes); send the package's exact size as total_size.`);
    }
    await this.scratch.fh.write(data);
    this.#received += data.length;
    if (this.#received < this.total) return this.progress(`Received ${this.#received} of ${this.total} bytes.`);
    this.#done = true;
    await this.scratch.fh.close();
    try {
      const version = await acceptPackage(this.deps, this.ctx, this.model, { ...this.fields, id: this.versionId }, this.scratch.file);
      const status = statusOf(
        Code.MODEL_BUILDING,
        `All ${this.total} bytes arrived; version '${version.id}' is being checked (poll GetModelVersion for 21100).`,
        this.ctx.reqId,
      );
      status.percent_completed = 100;
      return { status, bytes_remaining: '0', model_version_id: version.id };
    } finally {
      await this.discard();
    }
  }

  async end(): Promise<ApiObject | undefined> {
    if (this.#done) return undefined;
    await this.discard();
    throw new ApiError(
      Code.UPLOAD_FAILED,
      `The stream ended after ${this.#received} of the ${this.total} bytes upload_config announced; nothing was kept. Send the whole package again.`,
    );
  }

  async abort(): Promise<void> {
    await this.discard();
  }

  async discard(): Promise<void> {
    await this.scratch.fh.close().catch(() => undefined);
    await rm(this.scratch.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Removes upload directories a process left behind when it died mid-upload. Only those untouched for
 * `maxAgeMs` (default a day): another process on this machine may be receiving one right now.
 * Returns how many were removed; never throws.
 */
export async function removeStaleUploads(now: number, maxAgeMs = 24 * 60 * 60 * 1000, dir = tmpdir()): Promise<number> {
  let removed = 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const p = path.join(dir, name);
    const s = await stat(p).catch(() => undefined);
    if (!s?.isDirectory() || now - s.mtimeMs < maxAgeMs) continue;
    await rm(p, { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

function configOf(first: ApiObject): api.PostModelVersionsUploadConfig {
  const cfg = (first as api.PostModelVersionsUploadRequest).upload_config;
  if (!cfg)
    throw invalid(
      'The first message of PostModelVersionsUpload must carry upload_config (model_id, model_version, total_size); content_part messages follow it.',
    );
  return cfg;
}

export function uploadStreams(deps: UploadDeps): Record<string, StreamImpl> {
  return {
    PostModelVersionsUpload: {
      access: 'app-write',
      scopeOf: (first) => ({ user_app_id: configOf(first).user_app_id }),
      async open(ctx, first) {
        const cfg = configOf(first);
        const model = await findModel(deps.store, ctx, cfg.model_id);
        checkUploadable(deps.types, model);
        checkPackageSize(Number(cfg.total_size ?? 0), deps.maxModelBytes, 'upload_config.total_size');
        const fields = cfg.model_version ?? {};
        const versionId = fields.id || newId();
        if (fields.id) assertValidId(versionId, 'upload_config.model_version.id');
        await checkVersionIdFree(deps.store, model, versionId);
        return new UploadSession(deps, ctx, model, fields, versionId, Number(cfg.total_size), await scratchFile());
      },
    },
  };
}
