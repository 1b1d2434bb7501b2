import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelTypeField } from './api-types.js';
import { formFields, versionRequest } from './version-form.js';

// The shape ListModelTypes returns for text-classifier (abridged).
const TYPE_FIELDS: ModelTypeField[] = [
  { path: 'output_info.data', field_type: 4, description: 'the concepts', required: true },
  { path: 'output_info.output_config.concepts_mutually_exclusive', field_type: 1, default_value: false },
  { path: 'output_info.params.max_concepts', field_type: 3, default_value: 20, model_type_range_info: { min: 1, max: 200, step: 1 } },
  { path: 'train_info.params.dataset_id', field_type: 16, default_value: '' },
  {
    path: 'train_info.params.template',
    field_type: 8,
    model_type_enum_options: [
      {
        id: 'logreg',
        description: 'linear head',
        model_type_fields: [{ path: 'train_info.params.num_epochs', field_type: 7, default_value: 50, model_type_range_info: { min: 1, max: 1000 } }],
      },
      { id: 'other', description: 'no knobs' },
    ],
  },
];

describe('create-version form', () => {
  it('generates one control per field, with the template’s own fields after it', () => {
    const f = formFields(TYPE_FIELDS);
    assert.deepEqual(
      f.map((x) => [x.path, x.control, x.defaultText]),
      [
        ['output_info.data', 'concepts', ''],
        ['output_info.output_config.concepts_mutually_exclusive', 'checkbox', 'false'],
        ['output_info.params.max_concepts', 'number', '20'],
        ['train_info.params.dataset_id', 'text', ''],
        ['train_info.params.template', 'select', 'logreg'],
        ['train_info.params.num_epochs', 'number', '50'],
      ],
    );
    assert.equal(f[2]!.max, 200);
    assert.deepEqual(
      formFields(TYPE_FIELDS, { 'train_info.params.template': 'other' })
        .map((x) => x.path)
        .pop(),
      'train_info.params.template',
    );
  });

  it('builds the PostModelVersions body from changed and required values only', () => {
    const f = formFields(TYPE_FIELDS);
    const r = versionRequest(f, {
      'output_info.data': 'cat, dog',
      'output_info.output_config.concepts_mutually_exclusive': 'true',
      'train_info.params.num_epochs': '80',
    });
    assert.deepEqual(r, {
      body: {
        model_versions: [
          {
            output_info: { data: { concepts: [{ id: 'cat' }, { id: 'dog' }] }, output_config: { concepts_mutually_exclusive: true } },
            train_info: { params: { template: 'logreg', num_epochs: 80 } },
          },
        ],
      },
    });
  });

  it('reports required, range and number problems per path', () => {
    const f = formFields(TYPE_FIELDS);
    const r = versionRequest(f, { 'output_info.params.max_concepts': '500', 'train_info.params.num_epochs': 'ten' });
    assert.deepEqual(r, {
      errors: {
        'output_info.data': 'concepts is required',
        'output_info.params.max_concepts': 'max_concepts must be at most 200',
        'train_info.params.num_epochs': 'num_epochs must be a number',
      },
    });
  });
});
