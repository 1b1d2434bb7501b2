import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AppFilter, appListFilter, appListOrder, appMatches, appRelevance } from './app-search.js';
import { ApiError } from './errors.js';

const pets = { id: 'pets-2024', name: 'Pet Photos', description: 'Cats and DOGS, 50% off_season' };

describe('ListApps search: the request', () => {
  const cases: [string, Parameters<typeof appListFilter>[0], AppFilter | undefined][] = [
    ['nothing asked', {}, undefined],
    ['empty strings ask nothing', { search: '', query: ' ', name: '', id: '' }, undefined],
    ['search: whitespace-separated terms, ASCII-lower-cased', { search: '  Cats\tDOGS ' }, { terms: ['cats', 'dogs'] }],
    ['query is search too; both must hold, each term once', { search: 'cats', query: 'Cats photos' }, { terms: ['cats', 'photos'] }],
    ['non-ASCII letters keep their case', { search: 'Élan' }, { terms: ['Élan'] }],
    ['name and id are wildcard patterns, kept as sent', { name: 'Pet*', id: 'p*' }, { namePattern: 'Pet*', idPattern: 'p*' }],
  ];
  for (const [what, req, want] of cases) it(what, () => assert.deepEqual(appListFilter(req), want));

  it('text over 256 characters is 11100 naming the field', () => {
    for (const f of ['search', 'query', 'name', 'id'] as const)
      assert.throws(
        () => appListFilter({ [f]: 'x'.repeat(257) }),
        (e) => e instanceof ApiError && e.code === 11100 && e.details.startsWith(`${f} is 257 characters`),
      );
    assert.ok(appListFilter({ search: 'x'.repeat(256) }));
  });
});

describe('ListApps search: which apps match', () => {
  const cases: [string, AppFilter | undefined, boolean][] = [
    ['no filter', undefined, true],
    ['a term in the name, any case', { terms: ['photo'] }, true],
    ['a prefix of a word', { terms: ['pe'] }, true],
    ['inside a word too (substring)', { terms: ['hoto'] }, true],
    ['in the description', { terms: ['dogs'] }, true],
    ['in the id', { terms: ['2024'] }, true],
    ['every term must occur', { terms: ['cats', 'birds'] }, false],
    ['terms may come from different fields', { terms: ['2024', 'cats'] }, true],
    ['a term never spans two fields', { terms: ['photoscats'] }, false],
    ['LIKE metacharacters are literal', { terms: ['50%'] }, true],
    ['_ is literal, not any character', { terms: ['off-season'] }, false],
    ['_ matches _', { terms: ['off_season'] }, true],
    ['name: whole match, no wildcard', { namePattern: 'pet' }, false],
    ['name: whole match of the name, any case', { namePattern: 'PET PHOTOS' }, true],
    ['name: a wildcard', { namePattern: 'pet *' }, true],
    ['name: matches the id too', { namePattern: 'pets-*' }, true],
    ['name: not the description', { namePattern: 'cats*' }, false],
    ['name: regex characters are literal', { namePattern: 'pets.2024' }, false],
    ['id: a wildcard on the id', { idPattern: '*-2024' }, true],
    ['id: not the name', { idPattern: 'pet photos' }, false],
    ['all parts must hold', { terms: ['cats'], namePattern: 'pets*', idPattern: 'x*' }, false],
  ];
  for (const [what, filter, want] of cases) it(what, () => assert.equal(appMatches(pets, filter), want));

  it('non-ASCII letters match only in the case stored (as lower() folds ASCII only)', () => {
    const app = { id: 'a', name: 'Élan', description: '' };
    assert.equal(appMatches(app, { terms: ['Élan'] }), true);
    assert.equal(appMatches(app, { terms: ['élan'] }), false);
    assert.equal(appMatches(app, { terms: ['Éla'] }), true);
  });
});

describe('ListApps order and filters (ListAppsRequest as the proto documents it)', () => {
  const search = { terms: ['pets'] };
  const cases: [string, Parameters<typeof appListOrder>[0], ReturnType<typeof appListOrder>][] = [
    ['no sort: modified_at, descending', {}, { sort: { field: 'modified_at', ascending: false } }],
    ['sort_ascending turns it around', { sort_ascending: true }, { sort: { field: 'modified_at', ascending: true } }],
    ['sort_by_name', { sort_by_name: true }, { sort: { field: 'name', ascending: false } }],
    ['sort_by_created_at', { sort_by_created_at: true, sort_ascending: true }, { sort: { field: 'created_at', ascending: true } }],
    ['sort_by_id', { sort_by_id: true }, { sort: { field: 'id', ascending: false } }],
    ['sort_by_star_count: every app has 0 stars, so the id tie-break alone', { sort_by_star_count: true }, { sort: { field: 'id', ascending: false } }],
    ['visibility filter', { visibility: { gettable: 50 } }, { sort: { field: 'modified_at', ascending: false }, visibility: 50 }],
    ['featured_only selects none', { featured_only: true }, { sort: { field: 'modified_at', ascending: false }, none: 'featured_only' }],
    ['starred_only selects none', { starred_only: true }, { sort: { field: 'modified_at', ascending: false }, none: 'starred_only' }],
    ['template_only selects none', { template_only: true }, { sort: { field: 'modified_at', ascending: false }, none: 'template_only' }],
  ];
  for (const [what, req, want] of cases) it(what, () => assert.deepEqual(appListOrder(req, undefined), want));

  it('sort_by_relevance needs a search (11100 saying so); with one it ranks', () => {
    assert.throws(
      () => appListOrder({ sort_by_relevance: true }, undefined),
      (e) => e instanceof ApiError && e.code === 11100 && /send it with search/.test(e.details),
    );
    assert.deepEqual(appListOrder({ sort_by_relevance: true }, search), { sort: { field: 'relevance', ascending: false } });
  });

  it('relevance: id equal, id prefix, name prefix, the rest', () => {
    assert.deepEqual(
      [
        { id: 'pets', name: 'x' },
        { id: 'Pets-2', name: 'x' },
        { id: 'a', name: 'Pets album' },
        { id: 'my-pets', name: 'x' },
      ].map((a) => appRelevance(a, 'pets')),
      [0, 1, 2, 3],
    );
  });
});
