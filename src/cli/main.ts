#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../app/version.js';
import { registerClientCommands } from './commands/index.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { registerOpsCommands } from './ops-commands.js';

/**
 * `modelkeep`: the server's own commands (serve, worker, migrate, export, import, backup, restore)
 * and a client for everyday work against any modelkeep server over its REST API. Exit codes:
 * 0 ok, 1 the server refused (its status on stderr) or a runtime failure, 2 a usage mistake.
 */
export function buildProgram(): Command {
  const program = new Command('modelkeep')
    .description("a self-hosted server for Clarifai's v2 model API, and a client for it")
    .version(packageVersion(), '-V, --version', 'print the version of this modelkeep')
    // Program options only before the command: `predict --version <id>` is predict's own option.
    .enablePositionalOptions()
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText(
      'after',
      `
Everyday loop:
  modelkeep login --url http://127.0.0.1:8080 --pat <token> --app admin/pets
  modelkeep inputs upload ./photos            # folders become concepts
  modelkeep models create pets --type visual-classifier
  modelkeep versions create pets --concepts cat,dog --wait
  modelkeep predict pets ./cat.jpg

Exit codes: 0 ok, 1 the server refused (its status on stderr) or could not be reached, 2 usage error,
130 interrupted. \`modelkeep help <command>\` or \`<command> --help\` shows a command's options.`,
    );
  registerOpsCommands(program);
  registerClientCommands(program);
  program.commandsGroup('Commands:');
  program
    .command('help [command...]')
    .description("show a command's options and examples (e.g. `modelkeep help versions create`)")
    .action((words: string[]) => {
      let cmd: Command = program;
      for (const w of words) {
        const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
        if (!sub) throw new UsageError(`no command '${[...words.slice(0, words.indexOf(w)), w].join(' ')}': \`modelkeep help\` lists them`);
        cmd = sub;
      }
      cmd.outputHelp();
    });
  // Every subcommand reports usage mistakes the same way (exit 2 via exitOverride) and suggests the
  // nearest option or command.
  const walk = (c: Command): void => {
    for (const sub of c.commands) {
      sub.exitOverride().showSuggestionAfterError(true);
      walk(sub);
    }
  };
  walk(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version "fail" with exit code 0; every other commander error is a usage mistake.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

// `modelkeep models list | head -1`: the reader went away; that is the end of the output, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // Only set: serve and worker keep running after their action returns.
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`modelkeep: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
