import { Option, type Command } from 'commander';
import { SETTINGS } from '../config/config.js';
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
    if (!tok.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(tok)}; \`modelkeep ${cmd.name()} --help\` lists the options`);
    const eq = tok.indexOf('=');
    if (eq > 0) flags[tok.slice(2, eq)] = tok.slice(eq + 1);
    else if (rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('-')) flags[tok.slice(2)] = rest[++i]!;
    else flags[tok.slice(2)] = true;
  }
  return flags;
}
