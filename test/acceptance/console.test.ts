import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, launchChromium, overflowsHorizontally, seriousA11yViolations, shot } from '../helpers/browser.js';
import { startTestServer, TEST_PAT, type TestServer } from '../helpers/server.js';

/**
 * The console in a real browser against a real server: the issue-15 flow — sign in, create an app,
 * upload labelled texts, create a model and a version from the generated form, watch it train to
 * TRAINED with the loss curve drawn, evaluate and see the matrix, predict, patch the version's
 * params and see predictions change, make a key, revoke it and see the console sign out.
 */
const CATS = [
  'a cat asleep on the sofa',
  'the cat purrs softly',
  'my kitten chases a ball of yarn',
  'a cat drinks milk',
  'the kitty climbs the curtains',
  'a fluffy cat meows at night',
];
const DOGS = [
  'a dog barks at the mailman',
  'the puppy fetches the stick',
  'my dog wags its tail',
  'a dog runs in the park',
  'the hound sniffs the trail',
  'a big dog howls at the moon',
];
const WAIT = { timeout: 60_000 };

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run does)`;

describe('web console in Chromium', { skip }, () => {
  let server: TestServer;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let origin: string;
  let trainedVersionPath = '';

  before(async () => {
    // The console as `npm run build` makes it (a couple of seconds), so the test never runs a stale build.
    const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.mjs'], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    server = await startTestServer();
    origin = `http://127.0.0.1:${server.httpPort}`;
    // axe-core is injected as a script: the console's CSP (script-src 'self') would refuse it.
    chrome = await launchChromium({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    page = chrome.context.pages()[0] ?? (await chrome.context.newPage());
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });

  const a11y = async (what: string) => assert.deepEqual(await seriousA11yViolations(page), [], `axe-core on ${what}`);
  const chipText = () => page.locator('h1 .chip').innerText();

  it('signs in: a wrong token is refused with its Clarifai code, the right one opens the apps', async () => {
    await page.goto(`${origin}/`);
    await page.getByLabel('Personal access token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match(await error.innerText(), /^11\d{3} /);
    await shot(page, '01-sign-in-refused');
    await a11y('the sign-in page');
    // Keyboard only: focus the token field, type, Enter.
    await page.getByLabel('Personal access token').fill('');
    await page.getByLabel('Personal access token').focus();
    await page.keyboard.type(TEST_PAT);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('modelkeep.pat')), TEST_PAT);
    // The first Tab reaches the skip link, which moves focus to the page content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  it('creates an app, and shows a refused one with its code and details', async () => {
    await page.getByLabel('App id').fill('bad id!');
    await page.getByRole('button', { name: 'Create app' }).click();
    const error = page.locator('form .error');
    await error.waitFor();
    assert.match(await error.innerText(), /^\d{5} /);
    await page.getByLabel('App id').fill('pets');
    await page.getByLabel('Description', { exact: true }).fill('cats and dogs');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('link', { name: 'pets' }).waitFor();
    await page.getByLabel('App id').fill('zoo');
    await page.getByLabel('Description', { exact: true }).fill('lions and tigers');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('link', { name: 'zoo' }).waitFor();
    // The search is ListApps' own (`search`): the server answers only the apps with every word.
    const searched = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).searchParams.get('search') === 'CATS dogs');
    await page.getByLabel('Search apps').fill('CATS dogs');
    await page.getByLabel('Search apps').press('Enter');
    assert.deepEqual(
      ((await (await searched).json()) as { apps: { id: string }[] }).apps.map((a) => a.id),
      ['pets'],
    );
    await page.waitForURL(/\?q=CATS\+dogs$/);
    await page.getByRole('link', { name: 'zoo' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('table.list tbody tr').count(), 1);
    await shot(page, '02-apps-searched');
    await page.getByLabel('Search apps').fill('birds');
    await page.getByLabel('Search apps').press('Enter');
    await page.getByText('No app matches the search.').waitFor();
    await page.getByLabel('Search apps').fill('');
    await page.getByLabel('Search apps').press('Enter');
    await page.getByRole('link', { name: 'zoo' }).waitFor();
    await shot(page, '02-apps');
    // Following a link by keyboard moves focus to the new page's content.
    await page.getByRole('link', { name: 'pets' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/apps\/pets$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.goBack();
    await a11y('the apps page');
  });

  it('uploads labelled texts and an image from the data page, shows them processed, labels and unlabels', async () => {
    await page.goto(`${origin}/console/apps/pets/inputs`);
    for (const [texts, concept] of [
      [CATS, 'cat'],
      [DOGS, 'dog'],
    ] as const) {
      await page.getByLabel('Texts (one input per line)').fill(texts.join('\n'));
      await page.getByLabel('Concepts for every input').fill(concept);
      await page.getByRole('button', { name: /^Upload \d+ input/ }).click();
      await page.waitForFunction(() => (document.querySelector('#upload-text') as HTMLTextAreaElement).value === '');
    }
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .png()
      .toBuffer();
    await page.locator('#upload-files').setInputFiles({ name: 'swatch.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Concepts for every input').fill('photo');
    await page.getByRole('button', { name: 'Upload 1 input(s)' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.input-card').length === 13, undefined, WAIT);
    // Drag and drop: a .txt file dropped on the drop zone becomes a text input.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['a cat naps in the sun'], 'nap.txt', { type: 'text/plain' }));
      return dt;
    });
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByText('1 file(s): nap.txt').waitFor();
    await page.getByLabel('Concepts for every input').fill('cat');
    await page.getByRole('button', { name: 'Upload 1 input(s)' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.input-card').length === 14, undefined, WAIT);
    await page.waitForFunction(() => [...document.querySelectorAll('.input-card .chip')].every((c) => c.textContent === 'processed'), undefined, WAIT);
    // The image's card shows its size, and its thumbnail from the hosted bytes (fetched with the key).
    await page.getByText('image 48×32').waitFor(WAIT);
    const thumb = page.locator('.input-card img.thumb');
    await thumb.waitFor(WAIT);
    await page.waitForFunction(() => (document.querySelector('.input-card img.thumb') as HTMLImageElement | null)?.naturalWidth === 48, undefined, WAIT);
    assert.match((await thumb.getAttribute('src')) ?? '', /^blob:/);

    const card = page.locator('.input-card', { hasText: CATS[0] });
    await card.getByPlaceholder('add label').fill('sleepy');
    await card.getByRole('button', { name: 'Label', exact: true }).click();
    await card.locator('ul.tags li', { hasText: 'sleepy' }).waitFor();
    await shot(page, '03-data');
    await a11y('the data page');
    await card.getByRole('button', { name: /^Remove label sleepy/ }).click();
    await card.locator('ul.tags li', { hasText: 'sleepy' }).waitFor({ state: 'detached' });
    assert.equal(await card.locator('ul.tags li').count(), 1);

    // The concept filter is the server's (PostInputsSearches with a label filter), not a narrowing of the page.
    const searched = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/inputs/searches'));
    await page.getByLabel('Labelled with').fill('dog');
    await page.getByLabel('Labelled with').press('Enter');
    const search = await searched;
    assert.deepEqual(search.request().postDataJSON().searches[0].query.filters, [{ annotation: { data: { concepts: [{ id: 'dog', value: 1 }] } } }]);
    assert.equal(((await search.json()) as { hits: unknown[] }).hits.length, DOGS.length);
    await page.waitForFunction((n) => document.querySelectorAll('.input-card').length === n, DOGS.length);
    for (const tags of await page.locator('.input-card ul.tags').allInnerTexts()) assert.match(tags, /^dog/);
    await page.waitForURL(/concept=dog/);
    await shot(page, '03-data-labelled-dog');
    await a11y('the data page, filtered');
    // With the status filter too: both go to the server; failed inputs labelled dog are none.
    await page.getByLabel('Status').selectOption('30002');
    await page.getByText('No inputs match.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Labelled with').fill('');
    await page.getByLabel('Labelled with').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.input-card').length === 14);
  });

  it('creates a model, then a version from the generated form, and watches it train with the loss curve', async () => {
    await page.goto(`${origin}/console/apps/pets`);
    await page.getByLabel('Model id').fill('pets-clf');
    await page.getByLabel('Type of the new model').selectOption('text-classifier');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.waitForURL(/\/console\/apps\/pets\/models\/pets-clf$/);
    // PatchModels from the model page: the edit survives a reload; bad metadata JSON cannot be sent.
    await page.getByLabel('Description').fill('cats vs dogs');
    await page.getByLabel('Metadata (JSON object)').fill('{"team": [1,');
    assert.equal(await page.getByRole('button', { name: 'Save model' }).isDisabled(), true);
    await page.getByLabel('Metadata (JSON object)').fill('{"team": "vision"}');
    await page.getByRole('button', { name: 'Save model' }).click();
    await page.waitForFunction(() => !document.querySelector('button[type=submit][disabled]'));
    await page.reload();
    await page.waitForFunction(() => (document.getElementById('model-description') as HTMLInputElement | null)?.value === 'cats vs dogs');
    assert.deepEqual(JSON.parse(await page.getByLabel('Metadata (JSON object)').inputValue()), { team: 'vision' });
    await page.getByRole('link', { name: 'New version' }).click();
    await page.getByLabel('concepts (required)').waitFor();
    // The form comes from the type's model_type_fields: the template's hyper-parameters are in it.
    await page.getByLabel('num_epochs').waitFor();
    // Submitting without the required concepts says so on the field, and sends nothing.
    await page.getByRole('button', { name: 'Create version' }).click();
    assert.match(await page.locator('.field-error').first().innerText(), /concepts is required/);
    await page.getByLabel('concepts (required)').fill('cat, dog');
    await page.getByLabel('concepts_mutually_exclusive').check();
    const curl = await page.locator('details.curl pre').textContent();
    assert.match(curl ?? '', /"concepts_mutually_exclusive": true/);
    await shot(page, '04-new-version');
    await a11y('the new-version form');
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.waitForURL(/\/versions\/[0-9a-f]{32}$/);
    trainedVersionPath = new URL(page.url()).pathname;
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'trained', undefined, WAIT);
    await page.locator('.chart canvas').first().waitFor();
    assert.match(await page.locator('pre.log').innerText(), /epoch \d+\/\d+ loss/);
    await shot(page, '05-version-trained');
    await a11y('the version page');
  });

  it('evaluates the version and shows the summary and the confusion matrix', async () => {
    await page.getByRole('link', { name: 'Evaluation' }).click();
    await page.getByRole('button', { name: 'Run evaluation' }).click();
    const matrix = page.locator('table.heatmap');
    await matrix.waitFor(WAIT);
    assert.equal(await matrix.locator('tbody tr').count(), 2);
    // The chip follows the version's status on the page's next poll (at most a second later).
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'evaluated', undefined, WAIT);
    assert.equal(await chipText(), 'evaluated');
    await page
      .getByRole('img', { name: /^ROC curve of cat/ })
      .locator('canvas')
      .first()
      .waitFor();
    await shot(page, '06-evaluation');
    await a11y('the evaluation page');
  });

  it('predicts, then a patched params.max_concepts changes the predictions', async () => {
    await page.getByRole('link', { name: 'Predict' }).click();
    await page.getByLabel('Text').fill('the kitten sleeps on the sofa');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.bars li').length === 2);
    assert.match(await page.locator('.bars li').first().innerText(), /cat/);
    await shot(page, '07-predict');
    await a11y('the predict page');

    await page.getByRole('link', { name: 'Overview & training' }).click();
    await page.getByLabel('output_info.params (JSON)').fill('{"max_concepts": 1, "min_value": 0, "select_concepts": []}');
    // Wait for PatchModelVersions itself: predicting before it is answered would still see 2 concepts.
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/versions'), WAIT);
    await page.getByRole('button', { name: 'Save version' }).click();
    const patched = await saved;
    assert.equal(patched.status(), 200);
    // What was saved is what was typed: a poll that lands between typing and Save (the evaluation of the
    // step before finishes about then) must not put the old params back into the form (keep-edits.ts).
    assert.deepEqual(patched.request().postDataJSON().model_versions[0].output_info.params, { max_concepts: 1, min_value: 0, select_concepts: [] });
    await page.waitForFunction(() => !document.querySelector('button[type=submit][disabled]'));
    await page.getByLabel('Metadata (JSON object)').fill('{"a": ');
    assert.match(await page.locator('.field-error').innerText(), /not valid JSON/);
    assert.equal(await page.getByRole('button', { name: 'Save version' }).isDisabled(), true);

    await page.getByRole('link', { name: 'Predict' }).click();
    await page.getByLabel('Text').fill('the kitten sleeps on the sofa');
    // PatchModelVersions was answered (and sent the typed params) before this page opened, so the first
    // predict sees them. Wait for PostModelOutputs' own answer, then for the page to show what it said.
    const predicted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/outputs'), WAIT);
    await page.getByRole('button', { name: 'Predict' }).click();
    const answer = (await (await predicted).json()) as { outputs: { data: { concepts: { id: string }[] } }[] };
    assert.equal(answer.outputs[0]?.data.concepts.length, 1, 'max_concepts 1 from the patched params');
    await page.waitForFunction(() => document.querySelectorAll('.bars li').length === 1, undefined, WAIT);
    assert.match(await page.locator('.bars li').first().innerText(), new RegExp(answer.outputs[0]!.data.concepts[0]!.id));
  });

  it('compares two versions side by side, with the differences marked', async () => {
    await page.goto(`${origin}/console/apps/pets/models/pets-clf/versions/new`);
    await page.getByLabel('concepts (required)').fill('cat, dog');
    await page.getByLabel('num_epochs').fill('80');
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.waitForURL(/\/versions\/[0-9a-f]{32}$/);
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'trained', undefined, WAIT);
    await page.getByRole('link', { name: 'pets-clf' }).click();
    await page.getByRole('link', { name: 'Compare' }).click();
    const row = page.locator('table.compare tr', { hasText: 'train_info.params.num_epochs' });
    await row.waitFor();
    assert.match(await row.innerText(), /50\s+80/);
    assert.equal(await row.getAttribute('class'), 'differs');
    await shot(page, '08-compare');
    await a11y('the compare page');
    // Delete version B from its page: back on the model page with one version left.
    await page.locator('table.compare thead th').nth(2).locator('code').waitFor();
    const b = new URL(page.url()).searchParams.get('b')!;
    await page.goto(`${origin}/console/apps/pets/models/pets-clf/versions/${b}`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete version' }).click();
    await page.waitForURL(/\/models\/pets-clf$/);
    await page.waitForFunction(() => document.querySelectorAll('ol.timeline > li').length === 1);
  });

  it('a version that cannot train shows failed, with the failure’s code and details', async () => {
    await page.goto(`${origin}/console/apps/pets/models/pets-clf/versions/new`);
    await page.getByLabel('concepts (required)').fill('unicorn');
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.waitForURL(/\/versions\/[0-9a-f]{32}$/);
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'failed', undefined, WAIT);
    assert.match(await page.locator('.card p.failure').first().innerText(), /no training inputs/);
    await page.getByRole('link', { name: 'pets-clf' }).click();
    const failed = page.locator('ol.timeline > li', { hasText: 'failed' });
    await failed.waitFor();
    assert.match(await failed.locator('p.failure').innerText(), /^211\d\d /);
    await shot(page, '09-version-failed');
  });

  it('lists models filtered by type (in the URL), with the latest version’s chip', async () => {
    await page.goto(`${origin}/console/apps/pets`);
    await page.getByLabel('Model type', { exact: true }).selectOption('text-classifier');
    await page.waitForURL(/type=text-classifier/);
    const row = page.locator('table.list tbody tr', { hasText: 'pets-clf' });
    await row.locator('.chip').waitFor();
    await page.getByLabel('Model type', { exact: true }).selectOption('clusterer');
    await page.waitForURL(/type=clusterer/);
    await page.getByText('No models match.').waitFor();
    await shot(page, '09-models-filtered');
  });

  it('trains a visual-classifier on uploaded images and predicts a PNG chosen in the predict form', async () => {
    // Solid swatches with a few shades each: warm (red-orange) and cool (blue); MobileNetV2's features tell them apart.
    const swatch = (r: number, g: number, b: number) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    const WARM = [
      [230, 40, 30],
      [200, 60, 20],
      [250, 90, 40],
      [180, 30, 50],
    ] as const;
    const COOL = [
      [30, 60, 230],
      [20, 90, 200],
      [50, 40, 170],
      [40, 120, 240],
    ] as const;
    await page.goto(`${origin}/console/`);
    await page.getByLabel('App id').fill('colours');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('link', { name: 'colours' }).waitFor();
    await page.goto(`${origin}/console/apps/colours/inputs`);
    let uploaded = 0;
    for (const [concept, shades] of [
      ['warm', WARM],
      ['cool', COOL],
    ] as const) {
      const files = await Promise.all(
        shades.map(async ([r, g, b], i) => ({ name: `${concept}-${i}.png`, mimeType: 'image/png', buffer: await swatch(r, g, b) })),
      );
      await page.locator('#upload-files').setInputFiles(files);
      await page.getByLabel('Concepts for every input').fill(concept);
      await page.getByRole('button', { name: `Upload ${files.length} input(s)` }).click();
      uploaded += files.length;
      await page.waitForFunction((n) => document.querySelectorAll('.input-card').length === n, uploaded, WAIT);
    }
    // The first image loads MobileNetV2 (seconds on a loaded machine).
    await page.waitForFunction(() => [...document.querySelectorAll('.input-card .chip')].every((c) => c.textContent === 'processed'), undefined, {
      timeout: 180_000,
    });

    await page.goto(`${origin}/console/apps/colours`);
    await page.getByLabel('Model id').fill('colours-clf');
    await page.getByLabel('Type of the new model').selectOption('visual-classifier');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.waitForURL(/\/models\/colours-clf$/);
    await page.getByRole('link', { name: 'New version' }).click();
    await page.getByLabel('concepts (required)').fill('warm, cool');
    await page.getByRole('button', { name: 'Create version' }).click();
    await page.waitForURL(/\/versions\/[0-9a-f]{32}$/);
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'trained', undefined, { timeout: 180_000 });

    await page.getByRole('link', { name: 'Predict' }).click();
    // A shade of neither training set: the prediction is the model's, not a lookup of an uploaded image.
    const png = await swatch(215, 70, 35);
    await page.getByLabel('Image', { exact: true }).setInputFiles({ name: 'orange.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('img', { name: 'Image to predict: orange.png' }).waitFor();
    assert.equal(await page.getByLabel('Text').isDisabled(), true);
    const predicted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/outputs'), WAIT);
    await page.getByRole('button', { name: 'Predict' }).click();
    const response = await predicted;
    // The file went as base64 in inputs[0].data.image: the bytes chosen, unchanged.
    assert.equal(response.request().postDataJSON().inputs[0].data.image.base64, png.toString('base64'));
    const concepts = ((await response.json()) as { outputs: { data: { concepts: { id: string; value: number }[] } }[] }).outputs[0]!.data.concepts;
    assert.deepEqual(
      concepts.map((c) => c.id),
      ['warm', 'cool'],
    );
    await page.waitForFunction(() => document.querySelectorAll('.bars li').length === 2, undefined, WAIT);
    const bars = await page.locator('.bars li').allInnerTexts();
    assert.match(bars[0] ?? '', new RegExp(`^warm\\s+${concepts[0]!.value.toFixed(3)}$`));
    assert.match(bars[1] ?? '', /^cool\s/);
    assert.ok(concepts[0]!.value > 0.5, `warm scored ${concepts[0]!.value}`);
    await shot(page, '09-predict-image');
    await a11y('the predict page with an image');
  });

  it('creates a dataset and lists it', async () => {
    await page.goto(`${origin}/console/apps/pets/datasets`);
    await page.getByLabel('Dataset id').fill('pets-train');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'pets-train' }).waitFor();
    await a11y('the datasets page');
    // Evaluating on the (empty) dataset is refused or fails with a status the page shows with its code.
    await page.goto(`${origin}${trainedVersionPath}/evaluation`);
    await page.getByLabel('Evaluate on').selectOption('pets-train');
    assert.match((await page.locator('details.curl pre').textContent()) ?? '', /"dataset_id": "pets-train"/);
    await page.getByRole('button', { name: 'Evaluate again' }).click();
    await page.waitForFunction(() => /pets-train/.test(document.querySelector('.card')?.textContent ?? ''), undefined, WAIT);
    await shot(page, '10-evaluation-on-dataset');
    assert.match(await page.locator('.card').first().innerText(), /\b213\d\d /);
    // The last evaluation failed: the version is trained, no longer "evaluated".
    await page.waitForFunction(() => document.querySelector('h1 .chip')?.textContent === 'trained', undefined, WAIT);
  });

  it('is readable on a phone (390×844) without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages = [
      ['apps', '/console/'],
      ['model', '/console/apps/pets/models/pets-clf'],
      ['data', '/console/apps/pets/inputs'],
      ['version', trainedVersionPath],
      ['evaluation', `${trainedVersionPath}/evaluation`],
      ['keys', '/console/keys'],
    ] as const;
    for (const [name, url] of pages) {
      await page.goto(`${origin}${url}`);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, `10-phone-${name}`);
      assert.equal(await overflowsHorizontally(page), false, `${url} overflows at 390 px`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('makes a key shown once, and revoking the key in use signs the console out with a clear message', async () => {
    await page.goto(`${origin}/console/keys`);
    await page.getByLabel('Description').fill('console test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const token = await page.locator('code.token').innerText();
    assert.match(token, /^[0-9a-f]{64}$/);
    await shot(page, '11-keys');
    await a11y('the keys page');
    // Sign in again with the new token, then revoke that very key.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Personal access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in keeps the URL: the keys page comes back (shareable links survive a sign-in).
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('modelkeep.pat')), token);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke key console test' }).click();
    // The keys list reloads with the revoked key and is refused: the console signs out and says why.
    const notice = page.getByRole('status');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Signed out: the key was refused \(11\d{3} /);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('modelkeep.pat')), null);
    await shot(page, '12-signed-out');
  });
});
