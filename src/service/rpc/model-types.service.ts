import { resourceNotFound } from '../../domain/errors.js';
import type { ModelTypeRegistry } from '../../domain/model-types/catalog.js';
import { Code } from '../../domain/status-codes.js';
import { typedRpcs } from '../core/context.js';
import { pageOf } from '../core/paging.js';
import { modelTypeToApi } from '../mappers/model-type.mapper.js';

export function modelTypeRpcs(types: ModelTypeRegistry) {
  return typedRpcs({
    ListModelTypes: {
      access: 'app-read',
      async handle(_ctx, req) {
        const { page, perPage } = pageOf(req, Code.MODEL_INVALID_REQUEST);
        return {
          model_types: types
            .all()
            .slice((page - 1) * perPage, page * perPage)
            .map(modelTypeToApi),
        };
      },
    },
    GetModelType: {
      access: 'app-read',
      async handle(_ctx, req) {
        const id = req.model_type_id ?? '';
        const t = types.get(id);
        if (!t)
          throw resourceNotFound(
            `Model type '${id}' does not exist; ListModelTypes lists them: ${types
              .all()
              .map((x) => x.id)
              .join(', ')}.`,
          );
        return { model_type: modelTypeToApi(t) };
      },
    },
  });
}
