import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { HashingTextEmbedder } from '../../src/ml/embedders/text-hashing.js';
import { describeBoth, uid } from '../helpers/both.js';
import { textInput, waitForInput } from '../helpers/inputs.js';
import { apiOf, ids, newApp } from '../helpers/models.js';

const TEXTS: Record<string, string> = {
  t1: 'a brown dog runs in the park',
  t2: 'the dog sleeps on the sofa',
  t3: 'stock markets fell sharply today',
  t4: 'a cat and a dog play together',
  t5: 'interest rates and bond markets',
  t6: 'fresh bread from the bakery',
};

/** The reference: cosine over the same embedder's vectors, computed here, scored (1 + cos) / 2. */
async function bruteForce(query: string, candidates: string[]): Promise<{ id: string; score: number }[]> {
  const e = new HashingTextEmbedder();
  const [q, ...vs] = await e.embed([{ text: query }, ...candidates.map((id) => ({ text: TEXTS[id]! }))]);
  const cos = (v: Float32Array) => v.reduce((s, x, j) => s + x * q![j]!, 0);
  return candidates.map((id, i) => ({ id, score: (1 + cos(vs[i]!)) / 2 })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

describeBoth('Search over inputs: PostInputsSearches and PostSearches', (h) => {
  const api = apiOf(h);
  let uai: { user_id: string; app_id: string };
  const search = (query: object, extra: object = {}) => api.ok('PostInputsSearches', { user_app_id: uai, searches: [{ query }], ...extra });
  const hitIds = (body: { hits?: { input: { id: string } }[] }) => (body.hits ?? []).map((x) => x.input.id);

  before(async () => {
    uai = await newApp(api, uid('search'));
    await api.ok('PostDatasets', { user_app_id: uai, datasets: [{ id: 'news' }] });
    await api.ok('PostInputs', {
      user_app_id: uai,
      inputs: [
        textInput('t1', TEXTS.t1!, [['dog', 1]], {
          data: { text: { raw: TEXTS.t1 }, concepts: [{ id: 'dog', value: 1 }], metadata: { source: { site: 'a', n: 1 }, lang: 'en' } },
        }),
        textInput(
          't2',
          TEXTS.t2!,
          [
            ['dog', 1],
            ['cat', 0],
          ],
          {
            data: {
              text: { raw: TEXTS.t2 },
              concepts: [
                { id: 'dog', value: 1 },
                { id: 'cat', value: 0 },
              ],
              geo: { geo_point: { longitude: 44, latitude: 55 } },
            },
          },
        ),
        textInput('t3', TEXTS.t3!, [['finance', 1]], { dataset_ids: ['news'] }),
        textInput('t4', TEXTS.t4!, [
          ['dog', 1],
          ['cat', 1],
        ]),
        textInput('t5', TEXTS.t5!, [['finance', 1]], {
          dataset_ids: ['news'],
          data: { text: { raw: TEXTS.t5 }, concepts: [{ id: 'finance', value: 1 }], metadata: { source: { site: 'b' } } },
        }),
        textInput('t6', TEXTS.t6!),
      ],
    });
    for (const id of Object.keys(TEXTS)) await waitForInput(api, uai, id);
  });

  it('filters by concept: positive, negative (value 0), negated, by name', async () => {
    const byConcept = (concepts: object[], negate = false) => search({ filters: [{ negate, annotation: { data: { concepts } } }] });
    assert.deepEqual(hitIds(await byConcept([{ id: 'dog', value: 1 }])).sort(), ['t1', 't2', 't4']);
    assert.deepEqual(hitIds(await byConcept([{ id: 'cat', value: 0 }])), ['t2']);
    assert.deepEqual(hitIds(await byConcept([{ name: 'cat', value: 1 }])), ['t4']);
    assert.deepEqual(hitIds(await byConcept([{ id: 'dog', value: 1 }], true)).sort(), ['t3', 't5', 't6']);
    const body = await byConcept([{ id: 'finance', value: 1 }]);
    assert.ok(
      body.hits.every((x: { score: number }) => x.score === 1),
      'a filter-only search scores every hit 1',
    );
    assert.equal(body.hits[0].app_id, uai.app_id);
  });

  it('filters by metadata sub-object, dataset, input id and status; filters are ANDed', async () => {
    assert.deepEqual(hitIds(await search({ filters: [{ annotation: { data: { metadata: { source: { site: 'a' } } } } }] })), ['t1']);
    assert.deepEqual(hitIds(await search({ filters: [{ annotation: { data: { metadata: { source: { site: 'c' } } } } }] })), []);
    assert.deepEqual(hitIds(await search({ filters: [{ input: { dataset_ids: ['news'] } }] })).sort(), ['t3', 't5']);
    assert.deepEqual(hitIds(await search({ filters: [{ input: { id: 't6' } }] })), ['t6']);
    assert.equal((await search({ filters: [{ input: { status: { code: 30000 } } }] })).hits.length, 6);
    assert.deepEqual(
      hitIds(await search({ filters: [{ input: { dataset_ids: ['news'] } }, { annotation: { data: { metadata: { source: { site: 'b' } } } } }] })),
      ['t5'],
    );
    assert.deepEqual(hitIds(await search({ filters: [{ annotation: { data: { image: {} } } }] })), [], 'no image inputs');
  });

  it("filters by geo: a point with a limit, a box (the shapes of Clarifai's python-grpc tests)", async () => {
    const geo = (g: object) => search({ filters: [{ annotation: { data: { geo: g } } }] });
    assert.deepEqual(hitIds(await geo({ geo_point: { longitude: 43, latitude: 56 }, geo_limit: { type: 'withinKilometers', value: 1000 } })), ['t2']);
    assert.deepEqual(hitIds(await geo({ geo_point: { longitude: 43, latitude: 66 }, geo_limit: { type: 'withinKilometers', value: 1000 } })), []);
    assert.deepEqual(hitIds(await geo({ geo_box: [{ geo_point: { longitude: 43, latitude: 54 } }, { geo_point: { longitude: 45, latitude: 56 } }] })), ['t2']);
  });

  it('ranks by text: the hits and scores equal a brute-force cosine over the same embeddings', async () => {
    const query = 'dog playing';
    const body = await search({ ranks: [{ annotation: { data: { text: { raw: query } } } }] });
    const want = await bruteForce(query, Object.keys(TEXTS));
    assert.deepEqual(
      hitIds(body),
      want.map((w) => w.id),
    );
    for (const [i, hit] of body.hits.entries()) assert.ok(Math.abs(hit.score - want[i]!.score) < 1e-5, `${hit.input.id}: ${hit.score} vs ${want[i]!.score}`);
    const filtered = await search({
      ranks: [{ annotation: { data: { text: { raw: query } } } }],
      filters: [{ annotation: { data: { concepts: [{ id: 'dog', value: 1 }] } } }],
    });
    assert.deepEqual(
      hitIds(filtered),
      want.map((w) => w.id).filter((id) => ['t1', 't2', 't4'].includes(id)),
    );
  });

  it('ranks by an existing input id (itself first, score 1); pages with per_page and page; min_value', async () => {
    const rank = { ranks: [{ annotation: { input_id: 't3' } }] };
    const all = await search(rank);
    assert.equal(all.hits[0].input.id, 't3');
    assert.ok(Math.abs(all.hits[0].score - 1) < 1e-5);
    assert.deepEqual(
      hitIds(all),
      (await bruteForce(TEXTS.t3!, Object.keys(TEXTS))).map((w) => w.id),
    );
    const p2 = await search(rank, { pagination: { page: 2, per_page: 2 } });
    assert.deepEqual(hitIds(p2), hitIds(all).slice(2, 4));
    const cut = all.hits[2].score;
    const above = await api.ok('PostInputsSearches', { user_app_id: uai, searches: [{ query: rank, min_value: cut }] });
    assert.deepEqual(hitIds(above), hitIds(all).slice(0, 3));
    const count = await search(rank, { only_count: true });
    assert.equal(count.hit_counts[0].estimated_total, '6');
  });

  it('PostSearches takes the query shape, ands included', async () => {
    const body = await api.ok('PostSearches', {
      user_app_id: uai,
      query: { filters: [{ annotation: { data: { concepts: [{ id: 'finance', value: 1 }] } } }] },
    });
    assert.deepEqual(hitIds(body).sort(), ['t3', 't5']);
    const ands = await api.ok('PostSearches', {
      user_app_id: uai,
      query: { ands: [{ input: { data: { concepts: [{ id: 'dog', value: 1 }] } } }, { output: { input: { id: 't4' } } }] },
    });
    assert.equal(hitIds(ands)[0], 't4');
    assert.deepEqual(hitIds(ands).sort(), ['t1', 't2', 't4']);
    const viaSearches = await api.ok('PostSearches', { user_app_id: uai, searches: [{ query: { filters: [{ input: { id: 't1' } }] } }] });
    assert.deepEqual(ids(viaSearches.hits.map((x: { input: object }) => x.input)), ['t1']);
  });

  it('PostAnnotationsSearches: a hit is one annotation, and all filters must hold for that annotation', async () => {
    await api.ok('PostAnnotations', {
      user_app_id: uai,
      annotations: [
        { input_id: 't3', data: { concepts: [{ id: 'palm', value: 1 }] } },
        { input_id: 't3', data: { concepts: [{ id: 'water', value: 1 }] } },
      ],
    });
    const asearch = (filters: object[]) =>
      api.ok('PostAnnotationsSearches', { user_app_id: uai, searches: [{ query: { filters } }], pagination: { page: 1, per_page: 1000 } });
    const concept = (id: string) => ({ annotation: { data: { concepts: [{ id, value: 1 }] } } });
    const palm = await asearch([concept('palm')]);
    assert.deepEqual(
      palm.hits.map((x: { input: { id: string }; annotation: { data: { concepts: { id: string }[] } } }) => [
        x.input.id,
        x.annotation.data.concepts.map((c) => c.id),
      ]),
      [['t3', ['palm']]],
    );
    assert.equal((await asearch([concept('palm'), concept('water')])).hits?.length ?? 0, 0, 'no single annotation has both');
    assert.deepEqual(hitIds(await search({ filters: [concept('palm'), concept('water')] })), ['t3'], "an input search looks at all of the input's labels");
    const finance = await asearch([concept('finance'), { input: { dataset_ids: ['news'] } }]);
    assert.deepEqual(finance.hits.map((x: { input: { id: string }; annotation: { input_level: boolean } }) => [x.input.id, x.annotation.input_level]).sort(), [
      ['t3', true],
      ['t5', true],
    ]);
    await api.fails('PostAnnotationsSearches', { user_app_id: uai, searches: [{ query: { ranks: [{ annotation: { input_id: 't1' } }] } }] }, 40002, 400);
  });

  it('a write is seen by the next search (the reused snapshot follows the ChangeClock)', async () => {
    const dogs = () => search({ filters: [{ annotation: { data: { concepts: [{ id: 'dog', value: 1 }] } } }] });
    const ranked = () => search({ ranks: [{ annotation: { data: { text: { raw: 'fresh bread' } } } }] });
    assert.equal(hitIds(await ranked())[0], 't6');
    await api.ok('PatchInputs', { user_app_id: uai, action: 'merge', inputs: [{ id: 't6', data: { concepts: [{ id: 'dog', value: 1 }] } }] });
    assert.deepEqual(hitIds(await dogs()).sort(), ['t1', 't2', 't4', 't6']);
    await api.ok('PostInputs', { user_app_id: uai, inputs: [textInput('t7', 'fresh bread and butter')] });
    await waitForInput(api, uai, 't7');
    assert.ok(hitIds(await ranked()).includes('t7'), 'a new input is ranked once processed');
    await api.ok('DeleteInputs', { user_app_id: uai, ids: ['t6', 't7'] });
    assert.deepEqual(hitIds(await dogs()).sort(), ['t1', 't2', 't4']);
    assert.ok(!hitIds(await ranked()).some((id) => id === 't6' || id === 't7'));
  });

  it('refuses what it cannot answer with a precise status', async () => {
    const s = await api.fails(
      'PostInputsSearches',
      {
        user_app_id: uai,
        searches: [
          {
            query: {
              filters: [{ annotation: { data: { geo: { geo_point: { latitude: 5, longitude: 5 }, geo_limit: { type: 'withinParsecs', value: 1 } } } } }],
            },
          },
        ],
      },
      40002,
      400,
    );
    assert.match(s.details ?? '', /searches\[0\]\.query\.filters\[0\]\.annotation\.data\.geo\.geo_limit\.type must be one of/);
    const r = await api.fails(
      'PostInputsSearches',
      { user_app_id: uai, searches: [{ query: { ranks: [{ annotation: { data: { concepts: [{ id: 'dog', value: 1 }] } } }] } }] },
      40002,
      400,
    );
    assert.match(r.details ?? '', /predicted concepts/);
    await api.fails(
      'PostInputsSearches',
      { user_app_id: uai, searches: [{ query: { ranks: [{ annotation: { data: { text: { raw: 'x'.repeat(3000) } } } }] } }] },
      40002,
      400,
    );
    const many = Array.from({ length: 129 }, (_, i) => `d${i}`);
    await api.fails('PostInputsSearches', { user_app_id: uai, searches: [{ query: { filters: [{ input: { dataset_ids: many } }] } }] }, 40002, 400);
    const missing = await api.fails(
      'PostInputsSearches',
      { user_app_id: uai, searches: [{ query: { ranks: [{ annotation: { input_id: 'nope' } }] } }] },
      11101,
      404,
    );
    assert.match(missing.details ?? '', /'nope' does not exist/);
    await api.fails('PostInputsSearches', { user_app_id: uai }, 40002, 400);
    await api.fails('PostSearches', { user_app_id: uai }, 40002, 400);
    await api.fails('PostInputsSearches', { user_app_id: uai, searches: [{ query: {} }], pagination: { per_page: 5000 } }, 40002, 400);
  });
});
