import type { Model, ModelVersion } from '../domain/entities.js';
import type { ModelPlugin, PackageRuntime, PluginLookup } from '../ports/plugins.js';

/** Plugins by model_type_id. Built once at start-up; a second plugin for a type is a programming error. */
export class PluginRegistry implements PluginLookup {
  readonly #byType = new Map<string, ModelPlugin>();

  /** Runs uploaded packages (undefined: this process serves none, e.g. a unit test's registry). */
  readonly packages: PackageRuntime | undefined;

  constructor(plugins: readonly ModelPlugin[], packages?: PackageRuntime) {
    this.packages = packages;
    for (const p of plugins) {
      if (this.#byType.has(p.typeId)) throw new Error(`duplicate plugin for model type '${p.typeId}'`);
      this.#byType.set(p.typeId, p);
    }
  }

  get(typeId: string): ModelPlugin | undefined {
    return this.#byType.get(typeId);
  }

  forVersion(model: Model, version: ModelVersion): ModelPlugin | undefined {
    return version.runtime === 'onnx' ? this.packages : this.get(model.modelTypeId);
  }

  typeIds(): string[] {
    return [...this.#byType.keys()];
  }
}
