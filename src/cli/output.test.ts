import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Printer, renderTable, shortTime } from './output.js';

const sink = () => {
  let text = '';
  const s = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  return { s, text: () => text };
};

describe('output', () => {
  it('renders aligned columns without borders or escape codes', () => {
    const t = renderTable(
      ['ID', 'NAME'],
      [
        ['a', 'long name'],
        ['bbbb', 'x'],
      ],
    );
    assert.equal(t, 'ID    NAME\na     long name\nbbbb  x');
    assert.doesNotMatch(t, /\x1b/);
  });

  it('--json prints the body, --quiet the ids, otherwise the table; notes go to stderr', () => {
    for (const [flags, want] of [
      [{ json: true }, '{\n  "x": 1\n}\n'],
      [{ quiet: true }, 'a\nb\n'],
      [{}, 'human\n'],
    ] as const) {
      const out = sink();
      const err = sink();
      const p = new Printer(flags, { out: out.s, err: err.s });
      p.result(
        { x: 1 },
        () => p.line('human'),
        () => ['a', 'b'],
      );
      p.note('a note');
      assert.equal(out.text(), want);
      assert.equal(err.text(), Object.keys(flags).length ? '' : 'a note\n');
    }
  });

  it('shortens timestamps for tables', () => {
    assert.equal(shortTime('2026-12-02T14:45:34.123Z'), '2026-12-02 14:45:34');
    assert.equal(shortTime(undefined), '');
  });
});
