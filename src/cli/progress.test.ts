import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Progress } from './progress.js';

const sink = (isTTY: boolean) => {
  let text = '';
  const s = Object.assign(new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), { isTTY });
  return { s, text: () => text };
};

describe('progress', () => {
  it('on a pipe: one plain line each time the text changes, with the total, no escape codes', () => {
    const out = sink(false);
    const p = new Progress(out.s, '{bar}', (v, t, pl) => `done ${v}/${t} ${pl.phase}`);
    p.start(10, 0, { phase: 'a' });
    p.update(0, { phase: 'a' });
    p.update(5, { phase: 'a' });
    p.update(10, { phase: 'b' });
    p.stop();
    assert.equal(out.text(), 'done 0/10 a\ndone 5/10 a\ndone 10/10 b\n');
  });

  it('on a terminal: a bar redrawn in place', () => {
    const out = sink(true);
    const p = new Progress(out.s, 'work [{bar}] {percentage}%', () => 'plain');
    p.start(4, 1, {});
    p.update(4, {});
    p.stop();
    assert.match(out.text(), /\x1b\[/);
    assert.match(out.text(), /work \[.*\] 100%/);
    assert.doesNotMatch(out.text(), /plain/);
  });

  it('disabled (--quiet / --json): prints nothing', () => {
    const out = sink(false);
    const p = new Progress(out.s, '{bar}', () => 'x', false);
    p.start(1, 0, {});
    p.update(1, {});
    p.stop();
    assert.equal(out.text(), '');
  });
});
