import { spawn } from 'node:child_process';
import path from 'node:path';
import { type CliRun, cleanEnv, REPO_ROOT } from './modelkeep-process.js';

/**
 * Runs the real `modelkeep` CLI as a user does, for the client commands: with text on stdin, or on
 * a pseudo terminal (util-linux `script`), so tests see what a terminal sees.
 */
const CLI = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface ClientRunOptions {
  input?: string;
  /** Run under `script -qec`: stdin, stdout and stderr are a terminal (both streams arrive in `stdout`). */
  tty?: boolean;
  timeoutMs?: number;
  /** Called once the process is running (e.g. to send it SIGINT later). */
  onSpawn?: (signal: (s: NodeJS.Signals) => void, output: () => { stdout: string; stderr: string }) => void;
}

export function runClient(args: string[], env: Record<string, string>, opts: ClientRunOptions = {}): Promise<CliRun> {
  const argv = [process.execPath, '--import', 'tsx', CLI, ...args];
  const child = opts.tty
    ? spawn('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], {
        cwd: REPO_ROOT,
        env: cleanEnv({ TERM: 'xterm', COLUMNS: '120', ...env }),
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else if (!opts.tty) child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  opts.onSpawn?.(
    (s) => child.kill(s),
    () => ({ stdout, stderr }),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
