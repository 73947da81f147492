// @ts-check
// Issue 9: a generated KRaft cluster id must never start with "-" (the storage tool reads it as an
// option, and the failing id used to be saved and reused forever); a saved bad id is repaired.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseClusterId, isUsableClusterId, newClusterId } from './properties.mjs';

/** @param {number} first the first byte: 0xf8 encodes to a leading "-" in base64url */
const bytesStartingWith = (first) => Buffer.from([first, ...Array.from({ length: 15 }, (_, i) => i + 1)]);

describe('issue 9: KRaft cluster id', () => {
  it('draws again when the bytes encode to an id starting with "-"', () => {
    assert.ok(bytesStartingWith(0xf8).toString('base64url').startsWith('-'));
    const draws = [bytesStartingWith(0xf8), bytesStartingWith(0xf9), bytesStartingWith(0x10)];
    let calls = 0;
    const id = newClusterId(() => draws[calls++] ?? bytesStartingWith(0x10));
    assert.equal(calls, 3);
    assert.equal(id, bytesStartingWith(0x10).toString('base64url'));
    assert.ok(isUsableClusterId(id));
  });

  it('never generates an unusable id (10,000 real draws; about 156 would start with "-" before the fix)', () => {
    for (let i = 0; i < 10_000; i += 1) {
      const id = newClusterId();
      assert.ok(isUsableClusterId(id), id);
      assert.equal(id.length, 22);
    }
  });

  it('keeps a usable saved id and repairs an unusable one', () => {
    const good = newClusterId();
    assert.deepEqual(chooseClusterId(`${good}\n`), { id: good, repaired: false });
    assert.deepEqual(chooseClusterId('-Ab3dEfGhIjKlMnOpQrStU\n', () => good), { id: good, repaired: true });
    assert.deepEqual(chooseClusterId('', () => good), { id: good, repaired: true });
    assert.deepEqual(chooseClusterId(undefined, () => good), { id: good, repaired: false });
  });
});
