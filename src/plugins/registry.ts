import type { ModelPlugin, PluginLookup } from '../ports/plugins.js';

/** Plugins by model_type_id. Built once at start-up; a second plugin for a type is a programming error. */
export class PluginRegistry implements PluginLookup {
  readonly #byType = new Map<string, ModelPlugin>();

  constructor(plugins: readonly ModelPlugin[]) {
    for (const p of plugins) {
      if (this.#byType.has(p.typeId)) throw new Error(`duplicate plugin for model type '${p.typeId}'`);
      this.#byType.set(p.typeId, p);
    }
  }

  get(typeId: string): ModelPlugin | undefined {
    return this.#byType.get(typeId);
  }

  typeIds(): string[] {
    return [...this.#byType.keys()];
  }
}
