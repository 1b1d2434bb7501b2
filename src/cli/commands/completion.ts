import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/**
 * `modelkeep completion bash|zsh`: a completion script generated from the command tree itself, so
 * it never lags behind a new command or option. Completes command words and each command's options.
 */
export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash or zsh)')
    .addHelpText('after', "\nInstall:\n  modelkeep completion bash > /etc/bash_completion.d/modelkeep\n  echo 'source <(modelkeep completion zsh)' >> ~/.zshrc")
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion is for bash or zsh (got ${JSON.stringify(shell)})`);
      process.stdout.write(completionScript(program, shell));
    });
}

/** "path words" -> the words that may follow: sub-commands, then options. */
export function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (c: Command, path: string): void => {
    const subs = c.commands.map((s) => s.name());
    const opts = c.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));
    table.set(path, [...subs, ...opts, '--help']);
    for (const s of c.commands) walk(s, path ? `${path} ${s.name()}` : s.name());
  };
  walk(program, '');
  return table;
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const cases = [...completionTable(program)].map(([path, words]) => `    "${path}") words="${words.join(' ')}" ;;`).join('\n');
  // One body for both shells (zsh runs it through bashcompinit), so only syntax both read the same way:
  // a[@]:i:n slices are 0-based in both (a[i] is 1-based in zsh); an offset or length starting with a
  // letter is a zsh modifier, hence $i and $((…)); "path" is zsh's array tied to PATH, hence cmdpath.
  const body = `_modelkeep_complete() {
  local cur cmdpath w words
  cur="\${COMP_WORDS[@]:$COMP_CWORD:1}"
  cmdpath=""
  for w in "\${COMP_WORDS[@]:1:$((COMP_CWORD - 1))}"; do
    case "$w" in -*) ;; *) if _modelkeep_words "\${cmdpath:+$cmdpath }$w" >/dev/null; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi ;; esac
  done
  words=$(_modelkeep_words "$cmdpath")
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
_modelkeep_words() {
  local words=""
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  echo "$words"
}
`;
  return shell === 'bash'
    ? `# modelkeep bash completion\n${body}complete -o default -F _modelkeep_complete modelkeep\n`
    : `# modelkeep zsh completion\n(( $+functions[compdef] )) || { autoload -U compinit && compinit; }\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -o default -F _modelkeep_complete modelkeep\n`;
}
