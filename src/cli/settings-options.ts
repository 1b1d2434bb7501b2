import { type Command, Option } from 'commander';
import { SETTINGS } from '../config/config.js';
import { editDistance } from '../config/unknown-env.js';
import { UsageError } from './errors.js';

/**
 * The server-side commands' options, generated from SETTINGS (config.ts) so a new setting is a flag
 * of serve / worker / migrate / export / import / backup / restore with no edit here.
 */
export function addSettingOptions(cmd: Command): Command {
  for (const s of SETTINGS) {
    const help = `${s.help} [${s.env}]`;
    if (s.kind === 'bool') {
      cmd.addOption(new Option(`--${s.flag}`, help).helpGroup('Settings (each also an environment variable):'));
      cmd.addOption(new Option(`--no-${s.flag}`).hideHelp());
    } else {
      cmd.addOption(new Option(`--${s.flag} <value>`, help).helpGroup('Settings (each also an environment variable):'));
    }
  }
  // Unknown options are not commander's to refuse: loadConfig reports them together with every
  // other bad setting (env and flags at once), so one run shows everything to fix.
  return cmd.allowUnknownOption().allowExcessArguments();
}

/** The setting flags given on the command line, as loadConfig takes them ({flag: value}); unknown ones included. */
export function settingFlags(cmd: Command): Record<string, string | boolean | undefined> {
  const flags: Record<string, string | boolean | undefined> = {};
  const known = new Set(SETTINGS.map((s) => s.flag));
  for (const o of cmd.options) {
    const long = o.long?.replace(/^--/, '');
    if (!long) continue;
    const base = o.negate ? long.slice(3) : long;
    if (!known.has(base)) continue;
    const v = cmd.getOptionValue(o.attributeName()) as string | boolean | undefined;
    if (v !== undefined && cmd.getOptionValueSource(o.attributeName()) === 'cli') flags[base] = v;
  }
  const rest = cmd.args;
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i]!;
    if (!tok.startsWith('--')) {
      // `modelkeep modles` lands here (serve is the default command): answer as for an unknown command.
      const near = closest(
        tok,
        (cmd.parent?.commands ?? []).map((c) => c.name()),
      );
      if (i === 0 && near) throw new UsageError(`unknown command '${tok}'. Did you mean ${near}?`);
      throw new UsageError(`unexpected argument ${JSON.stringify(tok)}; \`modelkeep help\` lists the commands, \`modelkeep ${cmd.name()} --help\` the options`);
    }
    const eq = tok.indexOf('=');
    if (eq > 0) flags[tok.slice(2, eq)] = tok.slice(eq + 1);
    else if (rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('-')) flags[tok.slice(2)] = rest[++i]!;
    else flags[tok.slice(2)] = true;
  }
  return flags;
}

/** The candidate within edit distance 2 of `word` (the nearest), for "Did you mean …?". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}
