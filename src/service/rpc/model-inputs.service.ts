import { modelNotFound } from '../../domain/errors.js';
import { Code } from '../../domain/status-codes.js';
import type { Store } from '../../ports/store.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { inputToApi } from '../mappers/input.mapper.js';
import { findModel } from './models.service.js';

/**
 * ListModelInputs: the inputs a version was trained on, as training recorded them with the TRAINED
 * status (an input deleted since drops out; its labels are shown as they are now). Without
 * version_id, the model's latest trained version. A version not trained (yet), or trained before
 * modelkeep recorded this (migration 005), lists nothing.
 */
export function modelInputRpcs(store: Store, hostedBase: () => string | undefined = () => undefined) {
  return typedRpcs({
    ListModelInputs: {
      access: 'app-read',
      async handle(ctx, req) {
        const page = pageOf(req, Code.MODEL_INVALID_REQUEST);
        const model = await findModel(store, ctx, req.model_id);
        const vid = req.version_id ?? '';
        const version = vid ? await store.versions.get(model.pk, vid) : (await store.versions.latestOf([model.pk], { trainedOnly: true })).get(model.pk);
        if (vid && !version) throw modelNotFound(`Model '${model.id}' has no version '${vid}'. ListModelVersions shows its versions.`);
        if (!version || version.status.code !== Code.MODEL_TRAINED) return { inputs: [] };
        return { inputs: (await store.inputs.trainedOn(version.pk, page)).map((i) => inputToApi(i, hostedBase())) };
      },
    },
  });
}
