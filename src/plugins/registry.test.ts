import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModelTypes, ModelTypeRegistry } from '../domain/model-types/catalog.js';
import { builtInEmbedders } from '../ml/embedders/registry.js';
import { builtInPlugins } from './index.js';
import { randomSamplePlugin } from './operators/random-sample.js';
import { PluginRegistry } from './registry.js';

test('the registry refuses two plugins for one model type', () => {
  assert.throws(() => new PluginRegistry([randomSamplePlugin(), randomSamplePlugin()]), /duplicate plugin for model type 'random-sample'/);
});

test('every built-in plugin runs a model type of the catalog; trainable types can train', () => {
  const types = new ModelTypeRegistry(defaultModelTypes());
  const plugins = builtInPlugins(types, {
    embedders: builtInEmbedders(),
    artifacts: { put: async () => {}, get: async () => undefined, head: async () => undefined },
    trainingData: { collect: async () => ({ examples: [], pending: 0, failed: 0 }) },
  });
  for (const id of plugins.typeIds()) {
    const t = types.get(id);
    assert.ok(t, `${id} is in the catalog`);
    assert.equal(Boolean(plugins.get(id)!.train), t.trainable, `${id}: train() exactly when trainable`);
  }
  for (const id of [
    'embedding-classifier',
    'text-classifier',
    'visual-classifier',
    'concept-thresholder',
    'random-sample',
    'knn-concept',
    'visual-embedder',
    'text-embedder',
  ]) {
    assert.ok(plugins.get(id), `${id} has a plugin`);
  }
});
