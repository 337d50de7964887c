"use strict";

// The native keyring table: stale, foreign and freed handles give errors,
// never a crash, and garbage-collected keyrings release their slots.

const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const { test } = require("node:test");

const native = require("../native.js");

test("freed handle is rejected", () => {
  const handle = native.keyringNew("key");
  assert.equal(native.keyringStats(handle).valid, 0);
  native.keyringFree(handle);
  native.keyringFree(handle);
  assert.throws(() => native.keyringStats(handle), {
    name: "TypeError",
    code: "INVALID_ARGUMENT",
    message: /not a live keyring/,
  });
  assert.throws(() => native.keyringSign(handle, "u"), {
    name: "TypeError",
    message: /not a live keyring/,
  });
  assert.throws(() => native.keyringVerify(handle, "u", "0".repeat(64)), {
    name: "TypeError",
  });
});

test("foreign handles are rejected", () => {
  for (const handle of [2 ** 31, -1, "0", null, undefined, {}, 1.5]) {
    assert.throws(() => native.keyringSign(handle, "u"), { name: "TypeError" });
    assert.throws(() => native.keyringVerify(handle, "u", "x"), {
      name: "TypeError",
    });
  }
});

test("freed slot is reused", () => {
  const first = native.keyringNew("key-1");
  native.keyringFree(first);
  const second = native.keyringNew("key-2");
  assert.equal(second, first);
  assert.equal(native.keyringKeys(second)[0].id, "current");
  native.keyringFree(second);
});

test("collected keyrings free their slots", () => {
  const script = `
    const native = require(${JSON.stringify(path.join(__dirname, "..", "native.js"))})
    const { Keyring } = require(${JSON.stringify(path.join(__dirname, ".."))})
    const build = () => { for (let i = 0; i < 5000; i++) new Keyring({ current: "key-" + i }).sign("u") }
    build()
    setTimeout(() => {
      globalThis.gc()
      setTimeout(() => {
        const handle = native.keyringNew("probe")
        process.stdout.write(String(handle))
      }, 50)
    }, 0)
  `;
  const output = execFileSync(process.execPath, ["--expose-gc", "-e", script], {
    encoding: "utf8",
  });
  // Without the finalizer every one of the 5000 slots would still be taken.
  assert.ok(Number(output) < 5000, `new handle ${output}`);
});
