import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runClient } from '../helpers/cli-client.js';
import { removeDir, type ServerProcess, startServer, tempDir } from '../helpers/modelkeep-process.js';

/**
 * The CLI as a user runs it: real `modelkeep` processes against a real server process, through
 * the config file, env and flags; output parsed from --json, exit codes checked, and progress seen
 * both on a pseudo terminal and on a pipe.
 */
const PAT = 'cli-test-pat-0123456789abcdef';
const USER = 'clitester';
const ESC = /\x1b\[/;
const hasZsh = spawnSync('zsh', ['--version']).status === 0;

let server: ServerProcess;
let dir: string;
let env: Record<string, string>;
const cfgFile = () => path.join(dir, 'cfg', 'modelkeep', 'config.json');
const mk = (args: string[], extra: Record<string, string> = {}, opts: Parameters<typeof runClient>[2] = {}) => runClient(args, { ...env, ...extra }, opts);
const ok = async (args: string[], extra: Record<string, string> = {}, opts: Parameters<typeof runClient>[2] = {}) => {
  const r = await mk(args, extra, opts);
  assert.equal(r.code, 0, `modelkeep ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
};
const runClientShell = async (script: string): Promise<string> => (await promisify(execFile)('bash', ['-c', script])).stdout.trim();
const json = async <T = any>(args: string[]): Promise<T> => JSON.parse((await ok([...args, '--json'])).stdout) as T;

before(async () => {
  dir = tempDir('modelkeep-cli-');
  server = await startServer({
    env: { MODELKEEP_DATA_DIR: path.join(dir, 'data'), MODELKEEP_BOOTSTRAP_USER: USER, MODELKEEP_BOOTSTRAP_PAT: PAT, MODELKEEP_LOG_LEVEL: 'info' },
  });
  env = { MODELKEEP_CONFIG: cfgFile() };
});
after(async () => {
  await server?.stop();
  removeDir(dir);
});

describe('modelkeep CLI', () => {
  it('--version, per-command help, suggestions and usage exit codes', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal((await ok(['--version'])).stdout.trim(), pkg.version);
    const help = await ok(['help']);
    for (const group of ['Run the server:', 'Connect:', 'Work in an app:', 'Account:']) assert.match(help.stdout, new RegExp(group));
    const create = await ok(['help', 'versions', 'create']);
    assert.match(create.stdout, /Usage: modelkeep versions create \[options\] <model>/);
    assert.match(create.stdout, /--wait/);
    assert.equal((await ok(['versions', 'create', '--help'])).stdout, create.stdout);
    assert.match((await ok(['serve', '--help'])).stdout, /--http-port <value>.*MODELKEEP_HTTP_PORT/s);
    const typo = await mk(['models', 'list', '--sortt', 'name']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option '--sortt'[\s\S]*Did you mean --sort\?/);
    const cmdTypo = await mk(['modles']);
    assert.equal(cmdTypo.code, 2);
    assert.match(cmdTypo.stderr, /Did you mean models\?/);
  });

  it('without a login, client commands say how to connect (exit 2)', async () => {
    const r = await mk(['models', 'list']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /modelkeep login --url <server> --pat <token>/);
  });

  it('login checks the token before saving; the config file is 0600 in a 0700 folder', async () => {
    const bad = await mk(['login', '--url', server.restBase, '--pat', 'not-a-real-token-000000']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /11008/);
    assert.ok(!existsSync(cfgFile()), 'nothing saved for a bad token');
    // The README's first step on a new server names an app that is not there yet: saved, with the next step.
    const first = await ok(['login', '--url', server.restBase, '--pat', PAT, '--app', `${USER}/pets`, '--name', 'local']);
    assert.match(first.stderr, new RegExp(`the app ${USER}/pets does not exist yet; create it with: modelkeep apps create pets`));
    await ok(['apps', 'create', 'pets']);
    const good = await ok(['login', '--url', server.restBase, '--pat', PAT, '--app', `${USER}/pets`, '--name', 'local']);
    assert.match(good.stdout, new RegExp(`as ${USER}; saved as context "local"`));
    assert.equal(statSync(cfgFile()).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(cfgFile())).mode & 0o777, 0o700);
    const list = await json<{ name: string; current: boolean; app: string }[]>(['context', 'list']);
    assert.deepEqual(
      list.map((c) => [c.name, c.current, c.app]),
      [['local', true, `${USER}/pets`]],
    );
    assert.doesNotMatch(JSON.stringify(list), new RegExp(PAT), 'context list never shows the token');
    const me = await json<{ user: string; app: string; context: string; server_ok: boolean; server_version: string }>(['whoami']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.deepEqual([me.user, me.app, me.context, me.server_ok, me.server_version], [USER, `${USER}/pets`, 'local', true, pkg.version]);
    assert.match((await ok(['whoami'])).stdout, new RegExp(`^server\\s+${server.restBase} \\(modelkeep ${pkg.version.replace(/\./g, '\\.')}\\)$`, 'm'));
  });

  it('flags win over env, env over the context', async () => {
    const envBad = await mk(['whoami'], { MODELKEEP_PAT: 'wrong-token-wrong-token' });
    assert.equal(envBad.code, 1, 'MODELKEEP_PAT replaced the context token');
    assert.match(envBad.stderr, /11008/);
    await ok(['whoami', '--pat', PAT], { MODELKEEP_PAT: 'wrong-token-wrong-token' });
    const other = await mk(['models', 'list', '--app', `${USER}/nope`]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /11101|does not exist/);
    const noCtx = await mk(['whoami', '--context', 'missing']);
    assert.equal(noCtx.code, 2);
    assert.match(noCtx.stderr, /no context named "missing" \(known: local\)/);
  });

  it('apps, keys, concepts and types: tables, --json and --quiet', async () => {
    await ok(['apps', 'create', 'scratch']);
    const apps = await json<{ apps: { id: string }[] }>(['apps', 'list']);
    assert.deepEqual(apps.apps.map((a) => a.id).sort(), ['pets', 'scratch']);
    assert.deepEqual((await ok(['apps', 'list', '-q'])).stdout.trim().split('\n').sort(), ['pets', 'scratch']);
    const refused = await mk(['apps', 'delete', 'scratch']);
    assert.equal(refused.code, 2);
    await ok(['apps', 'delete', 'scratch', '--yes']);
    const key = (await ok(['keys', 'create', '--scopes', 'Models_Get,Predict', '--description', 'ci'])).stdout.trim();
    assert.match(key, /^[0-9a-f]{32,}$/);
    const keys = await json<{ keys: { scopes: string[]; description: string }[] }>(['keys', 'list']);
    assert.ok(keys.keys.some((k) => k.description === 'ci' && k.scopes.join() === 'Models_Get,Predict'));
    await ok(['concepts', 'create', 'positive,negative']);
    assert.deepEqual((await ok(['concepts', 'list', '-q'])).stdout.trim().split('\n').sort(), ['negative', 'positive']);
    const types = await ok(['types', 'list']);
    assert.match(types.stdout, /^ID\s+TRAINABLE\s+INPUT\s+OUTPUT\s+TITLE$/m);
    assert.match(types.stdout, /^text-classifier\s+yes\s+text\s+concepts/m);
    assert.match((await ok(['types', 'get', 'text-classifier'])).stdout, /train_info\.params\.template .*modelkeep_text_logreg \(recommended\)/);
    const badKey = await mk(['keys', 'create', '--scopes', 'Nope_Scope']);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /unknown scope\(s\) Nope_Scope/);
  });

  it('inputs upload: folders as concepts, stdin lines, manifests, --skip-existing, failures listed', async () => {
    const data = path.join(dir, 'reviews');
    const pos = [
      'I love it',
      'great quality, very happy',
      'wonderful and delightful',
      'excellent, would buy again',
      'fantastic, works perfectly',
      'superb, love love love',
    ];
    const neg = [
      'awful, broke in a day',
      'terrible and disappointing',
      'horrible, waste of money',
      'bad quality, very sad',
      'poor, it stopped working',
      'dreadful, never again',
    ];
    for (const [concept, texts] of [
      ['positive', pos],
      ['negative', neg],
    ] as const) {
      mkdirSync(path.join(data, concept), { recursive: true });
      texts.forEach((t, i) => writeFileSync(path.join(data, concept, `${i}.txt`), t));
    }
    const first = await ok(['inputs', 'upload', data, '--skip-existing']);
    assert.match(first.stdout, /uploaded 12 inputs, 12 processed, 0 failed/);
    assert.doesNotMatch(first.stderr, ESC, 'no escape codes on a pipe');
    assert.match(first.stderr, /uploaded 12\/12 \(0 failed\)/);
    const again = await ok(['inputs', 'upload', data, '--skip-existing']);
    assert.match(again.stdout, /uploaded 0 inputs, skipped 12 already there/);
    const stdin = await ok(['inputs', 'upload', '-', '--concepts', 'positive', '-q'], {}, { input: 'just great\n\nreally lovely\n' });
    assert.equal(stdin.stdout.trim().split('\n').length, 2, 'the two ids');
    const manifest = path.join(dir, 'm.jsonl');
    writeFileSync(
      manifest,
      `${JSON.stringify({ id: 'from-manifest', text: 'nice one', concepts: ['positive'], metadata: { src: 'jsonl' } })}\n${JSON.stringify({ url: 'http://127.0.0.1:1/x.jpg', concepts: ['negative'] })}\n`,
    );
    const partly = await mk(['inputs', 'upload', manifest]);
    assert.equal(partly.code, 1, 'a failed input makes the upload exit 1');
    assert.match(partly.stdout, /uploaded 2 inputs, 1 processed, 1 failed/);
    assert.match(partly.stdout, /m\.jsonl:2 .*30002/);
    const got = await json<{ input: { data: { metadata: Record<string, string> } } }>(['inputs', 'get', 'from-manifest']);
    assert.deepEqual(got.input.data.metadata, { src: 'jsonl' });
    const counts = await json<{ counts: { processed: number; errors: number } }>(['inputs', 'status']);
    assert.deepEqual([counts.counts.processed, counts.counts.errors], [15, 1]);
    const badRow = path.join(dir, 'bad.csv');
    writeFileSync(badRow, 'text,url\nboth,https://x.test/a.jpg\n');
    const usage = await mk(['inputs', 'upload', badRow]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /bad\.csv:2: give exactly one of text, url or path/);
  });

  let version = '';
  it('versions create --wait trains with progress: plain lines on a pipe', async () => {
    await ok(['models', 'create', 'sentiment', '--type', 'text-classifier']);
    const r = await ok(['versions', 'create', 'sentiment', '--concepts', 'positive,negative', '--exclusive', '--param', 'seed=1', '--wait']);
    const m = /^version ([0-9a-f]{32}) of sentiment is trained in [\d.]+ s on (\d+) inputs$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    version = m[1]!;
    assert.equal(Number(m[2]), 15);
    assert.doesNotMatch(r.stderr + r.stdout, ESC);
    assert.match(r.stderr, /training template: modelkeep_text_logreg/);
    assert.match(r.stderr, /^trained$/m);
    const v = await json<{ model_version: { status: { code: number }; train_info: { params: { seed: number } } } }>(['versions', 'get', 'sentiment', version]);
    assert.equal(v.model_version.status.code, 21100);
    assert.equal(v.model_version.train_info.params.seed, 1);
    const logs = await ok(['versions', 'logs', 'sentiment', version]);
    assert.match(logs.stdout, /epoch \d+\/\d+ loss/);
    const followed = await ok(['versions', 'logs', 'sentiment', version, '--follow', '--interval', '100']);
    assert.equal(followed.stdout, logs.stdout, '--follow on a finished training prints the log once and ends');
    assert.match(followed.stdout, /trained on 15 inputs/);
  });

  it('versions create --wait on a terminal draws a live bar', async () => {
    const r = await ok(['versions', 'create', 'sentiment', '--concepts', 'positive,negative', '--wait'], {}, { tty: true });
    assert.match(r.stdout, ESC, 'cursor control on a terminal');
    assert.match(r.stdout, /trained \[[^\]]*\] 100%/);
    assert.match(r.stdout, /is trained in/);
  });

  it('a failed training prints its code and details and exits 1', async () => {
    await ok(['models', 'create', 'nodata', '--type', 'text-classifier']);
    const r = await mk(['versions', 'create', 'nodata', '--concepts', 'zebra,yak', '--wait']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /training of version [0-9a-f]{32} of nodata ended in 211\d\d /);
    assert.match(r.stderr, /modelkeep versions logs nodata/);
  });

  it('predict: concepts per input, output_config overrides, --json', async () => {
    const table = await ok(['predict', 'sentiment', 'I love it, wonderful', 'awful and terrible']);
    const rows = table.stdout.trim().split('\n');
    assert.match(rows[0]!, /^INPUT\s+CONCEPT\s+VALUE$/);
    assert.match(rows[1]!, /^I love it, wonderful\s+positive\s+0\.\d{4}$/);
    assert.match(table.stdout, /^awful and terrible\s+negative\s+/m);
    const top = await json<{ outputs: { data: { concepts: { id: string }[] } }[] }>([
      'predict',
      'sentiment',
      'great',
      '--max-concepts',
      '1',
      '--version',
      version,
    ]);
    assert.equal(top.outputs[0]!.data.concepts.length, 1);
    const sel = await json<{ outputs: { data: { concepts: { id: string }[] } }[] }>(['predict', 'sentiment', 'great', '--select', 'negative']);
    assert.deepEqual(
      sel.outputs[0]!.data.concepts.map((c) => c.id),
      ['negative'],
    );
    assert.equal((await ok(['predict', 'sentiment', 'so great, I love it', '-q'])).stdout.trim(), 'positive');
    const badMin = await mk(['predict', 'sentiment', 'x', '--min-value', '2']);
    assert.equal(badMin.code, 2);
    const missing = await mk(['predict', 'no-such-model', 'x']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /21200/);
  });

  it('evaluate --wait prints the summary, per-concept metrics and the confusion matrix', async () => {
    const r = await ok(['evaluate', 'sentiment', version, '--wait', '--folds', '3']);
    assert.match(r.stdout, /^macro_avg_f1_score\s+[01]\.\d{3}$/m);
    assert.match(r.stdout, /^positive\s+\d+\s+\d+\s/m);
    assert.match(
      r.stdout,
      /Confusion matrix \(rows: actual, columns: predicted\)\n\s+positive\s+negative|Confusion matrix \(rows: actual, columns: predicted\)\n\s+negative\s+positive/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, ESC);
  });

  it('evaluate --dataset [--dataset-version] --wait scores a held-out dataset; an unknown dataset is a clear error', async () => {
    const pos = (await ok(['inputs', 'upload', '-', '--concepts', 'positive', '-q'], {}, { input: 'what a wonderful day\nI love this so much\n' })).stdout
      .trim()
      .split('\n');
    const neg = (
      await ok(['inputs', 'upload', '-', '--concepts', 'negative', '-q'], {}, { input: 'awful, I hate it\nterrible and sad\nthe worst thing ever\n' })
    ).stdout
      .trim()
      .split('\n');
    await ok(['datasets', 'create', 'heldout']);
    await ok(['datasets', 'add-inputs', 'heldout', ...pos, ...neg]);
    await ok(['dataset-versions', 'create', 'heldout', '--id', 'frozen']);
    const r = await ok(['evaluate', 'sentiment', version, '--dataset', 'heldout', '--dataset-version', 'frozen', '--wait']);
    assert.match(r.stdout, /^Held-out evaluation on 5 labelled inputs of dataset 'heldout'/m);
    assert.match(r.stdout, /^macro_avg_f1_score\s+[01]\.\d{3}$/m);
    assert.match(r.stdout, /^positive\s+2\s+3\s/m, 'per concept: 2 positives, 3 negatives in the held-out set');
    assert.match(r.stdout, /Confusion matrix \(rows: actual, columns: predicted\)\n/);
    assert.doesNotMatch(r.stdout + r.stderr, ESC);
    const j = await json<{ model_version: { metrics: { status: { code: number }; ground_truth_dataset?: { id: string } } } }>([
      'evaluate',
      'sentiment',
      version,
      '--dataset',
      'heldout',
      '--wait',
    ]);
    assert.equal(j.model_version.metrics.status.code, 21300);
    const missing = await mk(['evaluate', 'sentiment', version, '--dataset', 'no-such-set', '--wait']);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /11101/);
    assert.match(missing.stderr, /no dataset no-such-set in this app; see what there is: modelkeep datasets list/);
    const noVersion = await mk(['evaluate', 'sentiment', version, '--dataset', 'heldout', '--dataset-version', 'nope', '--wait']);
    assert.equal(noVersion.code, 1, noVersion.stderr);
    assert.match(noVersion.stderr, /modelkeep dataset-versions list heldout/);
    const usage = await mk(['evaluate', 'sentiment', version, '--dataset-version', 'frozen']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--dataset-version needs --dataset/);
  });

  it('contexts: use, set-app, delete; inputs delete; shell completion', async () => {
    await ok(['login', '--url', server.restBase, '--pat', '-', '--name', 'second'], {}, { input: `${PAT}\n` });
    assert.equal((await json<{ context: string; app: null }>(['whoami'])).context, 'second');
    const noApp = await mk(['models', 'list']);
    assert.equal(noApp.code, 2);
    assert.match(noApp.stderr, /this command needs an app: pass --app/);
    await ok(['context', 'set-app', `${USER}/pets`]);
    await ok(['models', 'list']);
    await ok(['context', 'use', 'local']);
    await ok(['context', 'delete', 'second']);
    assert.deepEqual(
      (await json<{ name: string }[]>(['context', 'list'])).map((c) => c.name),
      ['local'],
    );
    assert.equal(statSync(cfgFile()).mode & 0o777, 0o600, 'still 0600 after rewrites');
    // 130 lines: two PostInputs batches (at most 128 each) on the way in, two DeleteInputs on the way out.
    const lines = Array.from({ length: 130 }, (_, i) => `to delete ${i}`).join('\n');
    const ids = (await ok(['inputs', 'upload', '-', '-q', '--no-wait'], {}, { input: lines })).stdout.trim().split('\n');
    assert.equal(new Set(ids).size, 130);
    assert.equal((await mk(['inputs', 'delete', ...ids])).code, 2, 'a delete needs --yes');
    await ok(['inputs', 'delete', ...ids, '--yes']);
    assert.equal((await mk(['inputs', 'get', ids[0]!])).code, 1);
    assert.equal((await mk(['inputs', 'get', ids[129]!])).code, 1);
    const script = (await ok(['completion', 'bash'])).stdout;
    const file = path.join(dir, 'completion.bash');
    writeFileSync(file, script);
    const complete = (words: string) =>
      runClientShell(`source ${file}; COMP_WORDS=(${words}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _modelkeep_complete; echo "\${COMPREPLY[*]}"`);
    assert.equal(await complete('modelkeep vers'), 'versions');
    assert.equal(await complete('modelkeep versions create --wa'), '--wait');
    assert.match(await complete('modelkeep inputs ""'), /^upload list get delete status/);
  });

  it('completion zsh is valid zsh, registers itself in a bare zsh and completes', { skip: !hasZsh && 'zsh is not installed' }, async () => {
    const file = path.join(dir, 'completion.zsh');
    writeFileSync(file, (await ok(['completion', 'zsh'])).stdout);
    const zsh = async (script: string): Promise<string> =>
      (await promisify(execFile)('zsh', ['-f', '-c', script], { env: { ...process.env, HOME: dir } })).stdout.trim();
    await promisify(execFile)('zsh', ['-n', file]);
    // As zsh's bashcompinit calls it: COMP_WORDS is a 1-based zsh array and COMP_CWORD = CURRENT - 1.
    const complete = (words: string) =>
      zsh(
        `source ${file}; COMP_WORDS=(${words}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); p="$PATH"; _modelkeep_complete; [[ "$PATH" == "$p" ]] || echo PATH-changed; echo "\${COMPREPLY[*]}"`,
      );
    assert.equal(await zsh(`source ${file}; echo "\${_comps[modelkeep]}"`), '_bash_complete -o default -F _modelkeep_complete');
    // zsh's compgen leaves matching the typed prefix to compadd, so the reply is every word that may follow.
    assert.match(await complete('modelkeep versions cr'), /^list get create .*--help$/);
    assert.match(await complete('modelkeep evaluate pets 3f0c --da'), / --dataset --dataset-version /);
    assert.match(await complete('modelkeep inputs ""'), /^upload list get delete status/);
  });

  it('models, versions and datasets commands round-trip through the API', async () => {
    await ok(['models', 'patch', 'sentiment', '--description', 'reviews']);
    const listed = await json<{ models: { id: string; description: string }[] }>(['models', 'list', '--sort', 'name', '--asc']);
    assert.deepEqual(
      listed.models.map((m) => m.id),
      ['nodata', 'sentiment'],
    );
    assert.equal(listed.models[1]!.description, 'reviews');
    assert.deepEqual((await ok(['models', 'list', '--trained-only', '-q'])).stdout.trim(), 'sentiment');
    await ok(['versions', 'patch', 'sentiment', version, '--max-concepts', '1']);
    const v = await json<{ model_version: { output_info: { output_config: { max_concepts: number } } } }>(['versions', 'get', 'sentiment', version]);
    assert.equal(v.model_version.output_info.output_config.max_concepts, 1);
    assert.equal((await ok(['versions', 'list', 'sentiment', '-q'])).stdout.trim().split('\n').length, 2);
    await ok(['datasets', 'create', 'reviews']);
    await ok(['datasets', 'add-inputs', 'reviews', 'from-manifest']);
    assert.equal((await ok(['datasets', 'inputs', 'reviews', '-q'])).stdout.trim(), 'from-manifest');
    assert.equal((await ok(['dataset-versions', 'create', 'reviews', '--id', 'v1', '-q'])).stdout.trim(), 'v1');
    assert.equal((await ok(['dataset-versions', 'list', 'reviews', '-q'])).stdout.trim(), 'v1');
    await ok(['models', 'delete', 'nodata', '--yes']);
    const gone = await mk(['models', 'get', 'nodata']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /21200/);
  });
});

describe('export / import progress', () => {
  it('a live line of lines and bytes on a terminal; only the result on a pipe', async () => {
    const db = { MODELKEEP_DATA_DIR: path.join(dir, 'data'), MODELKEEP_LOG_LEVEL: 'silent' };
    const tty = await ok(['export', '--app', `${USER}/pets`, '--out', path.join(dir, 'a.jsonl.gz')], db, { tty: true });
    assert.match(tty.stdout, /exporting \d+ lines \| \d+\.\d MB/);
    assert.match(tty.stdout, new RegExp(`exported ${USER}/pets to .*a\\.jsonl\\.gz: \\d+ rows`));
    const piped = await ok(['export', '--app', `${USER}/pets`, '--out', path.join(dir, 'b.jsonl.gz')], db);
    assert.equal(piped.stderr, '');
    assert.match(piped.stdout, /^exported [^\n]+\n$/);
    const imported = await ok(
      ['import', '--in', path.join(dir, 'b.jsonl.gz'), '--as', `${USER}/pets-copy`],
      { MODELKEEP_DATA_DIR: path.join(dir, 'data3'), MODELKEEP_LOG_LEVEL: 'silent' },
      { tty: true },
    );
    assert.match(imported.stdout, /importing \d+ lines/);
    assert.match(imported.stdout, new RegExp(`imported ${USER}/pets as ${USER}/pets-copy`));
  });
});

describe('Ctrl-C while waiting', () => {
  let queueOnly: ServerProcess;
  before(async () => {
    // No worker: the version stays queued, so the wait is still running when Ctrl-C comes.
    queueOnly = await startServer({
      env: {
        MODELKEEP_DATA_DIR: path.join(dir, 'data2'),
        MODELKEEP_BOOTSTRAP_USER: USER,
        MODELKEEP_BOOTSTRAP_PAT: PAT,
        MODELKEEP_LOG_LEVEL: 'info',
        MODELKEEP_WORKER: 'false',
      },
    });
  });
  after(async () => queueOnly?.stop());

  it('stops waiting, leaves the training queued and says how to cancel (exit 130)', async () => {
    const conn = { MODELKEEP_URL: queueOnly.restBase, MODELKEEP_PAT: PAT, MODELKEEP_APP: `${USER}/q` };
    await ok(['apps', 'create', 'q'], conn);
    await ok(['models', 'create', 'm', '--type', 'text-classifier'], conn);
    const id = (await ok(['versions', 'create', 'm', '--concepts', 'a,b', '-q'], conn)).stdout.trim();
    const r = await mk(['versions', 'wait', 'm', id, '--interval', '100'], conn, {
      onSpawn: (signal, output) => {
        const poll = setInterval(() => {
          if (/queued/.test(output().stderr)) {
            clearInterval(poll);
            signal('SIGINT');
          }
        }, 50);
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, new RegExp(`stopped waiting: version ${id} of m is still queued`));
    assert.match(r.stderr, new RegExp(`modelkeep versions delete m ${id} --yes`));
    const v = await json<{ model_version: { status: { code: number } } }>([
      'versions',
      'get',
      'm',
      id,
      '--url',
      queueOnly.restBase,
      '--pat',
      PAT,
      '--app',
      `${USER}/q`,
    ]);
    assert.equal(v.model_version.status.code, 21103, 'still queued: waiting stopped, the training was not cancelled');
  });
});
