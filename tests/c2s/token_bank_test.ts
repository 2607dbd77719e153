import { assert } from "../../lib/_std.ts";
import { TokenBank } from "../../lib/c2s/token_bank.ts";

const rows = (...values: number[]) => Float32Array.from(values);

Deno.test("TokenBank keeps the newest tokens in exact FIFO order, oldest first", () => {
  const bank = new TokenBank(3, 2);
  bank.push(rows(1, 1, 2, 2));
  assert.deepEqual(Array.from(bank.tokens()), [1, 1, 2, 2]);
  bank.push(rows(3, 3));
  assert.deepEqual(Array.from(bank.tokens()), [1, 1, 2, 2, 3, 3]);
  bank.push(rows(4, 4));
  assert.deepEqual(Array.from(bank.tokens()), [2, 2, 3, 3, 4, 4]);
  bank.push(rows(5, 5, 6, 6));
  assert.deepEqual(Array.from(bank.tokens()), [4, 4, 5, 5, 6, 6]);
  assert.equal(bank.size, 3);
});

Deno.test("TokenBank keeps only the last rows of a push larger than its capacity", () => {
  const bank = new TokenBank(2, 1);
  bank.push(rows(1, 2, 3, 4, 5));
  assert.deepEqual(Array.from(bank.tokens()), [4, 5]);
});

Deno.test("TokenBank of capacity 0 stays empty", () => {
  const bank = new TokenBank(0, 4);
  bank.push(rows(1, 2, 3, 4));
  assert.equal(bank.size, 0);
  assert.equal(bank.tokens().length, 0);
});

Deno.test("TokenBank rejects rows that are not a multiple of its width", () => {
  const bank = new TokenBank(2, 3);
  assert.throws(() => bank.push(rows(1, 2)), {
    name: "RangeError",
    message: "Token rows must be a multiple of the width 3, got 2 values",
  });
});
