import type { Command } from 'commander';
import { registerAppsAndKeys } from './apps-keys.js';
import { registerCompletion } from './completion.js';
import { registerDatasets } from './datasets.js';
import { registerEvaluate } from './evaluate.js';
import { registerInputs } from './inputs.js';
import { registerModels } from './models.js';
import { registerPredict } from './predict.js';
import { registerSession } from './session.js';
import { registerVersions } from './versions.js';

/** Every client command: a thin client of the public REST API (never the database). */
export function registerClientCommands(program: Command): void {
  registerSession(program);
  registerModels(program);
  registerVersions(program);
  registerInputs(program);
  registerDatasets(program);
  registerPredict(program);
  registerEvaluate(program);
  program.commandsGroup('Account:');
  registerAppsAndKeys(program);
  program.commandsGroup('Shell:');
  registerCompletion(program);
}
