"use strict";

// The bad-input matrix of docs/security.md, one test per row, plus the
// secrets check: a canary key pushed through every error path must not show
// up in any message, inspect output or console line.

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { test } = require("node:test");
const util = require("node:util");
const { Worker } = require("node:worker_threads");

const {
  IdentityError,
  Keyring,
  generateIdentitySignature,
  keyringFromEnv,
  verify,
} = require("..");

const KEY = "hostile-input-test-key";
const USER = "user_123";

function reference(key, message) {
  return crypto.createHmac("sha256", key).update(message).digest("hex");
}

function expectTypeError(call, message) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof TypeError, String(error));
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.match(error.message, message);
    return true;
  });
}

function expectFailure(result, code, message) {
  assert.equal(result.valid, false);
  assert.equal(result.code, code);
  assert.match(result.message, message);
}

test("wrong user ID types throw on sign", () => {
  const keyring = new Keyring({ current: KEY });
  for (const value of [1.5, true, null, undefined, {}, [], Symbol("s")]) {
    expectTypeError(
      () => keyring.sign(value),
      /^userId must be a string, Buffer, Uint8Array, safe integer or bigint/,
    );
    expectTypeError(
      () => generateIdentitySignature(value, KEY),
      /^userId must be/,
    );
  }
});

test("wrong key types throw", () => {
  for (const value of [42, 1.5, null, true, Symbol("s")]) {
    expectTypeError(
      () => generateIdentitySignature(USER, value),
      /^securityKey must be a string, Buffer or Uint8Array; received/,
    );
    expectTypeError(
      () => verify(USER, "0".repeat(64), value),
      /^securityKey must be a string, Buffer or Uint8Array; received/,
    );
  }
  for (const value of [42, 1.5, true]) {
    expectTypeError(
      () => new Keyring({ current: value }),
      /^current must be a string, Buffer or Uint8Array/,
    );
  }
});

test("wrong identity types fail verification", () => {
  const keyring = new Keyring({ current: KEY });
  const signature = keyring.sign(USER);
  for (const userId of [1.5, true, {}, [], Symbol("s")]) {
    expectFailure(
      keyring.verify({ userId, signature }),
      "IDENTITY_VERIFICATION_FAILED",
      /user ID must be/,
    );
    assert.equal(verify(userId, signature, KEY), false);
  }
  for (const value of [5, true, {}, [], 5n]) {
    expectFailure(
      keyring.verify({ userId: USER, signature: value }),
      "IDENTITY_VERIFICATION_FAILED",
      /signature must be a hex string/,
    );
  }
  for (const absent of [null, undefined]) {
    expectFailure(
      keyring.verify({ userId: absent, signature }),
      "IDENTITY_MISSING",
      /no user ID/,
    );
    expectFailure(
      keyring.verify({ userId: USER, signature: absent }),
      "IDENTITY_MISSING",
      /no signature/,
    );
  }
});

test("empty user ID signs but never verifies", () => {
  const keyring = new Keyring({ current: KEY });
  assert.equal(keyring.sign(""), reference(KEY, ""));
  assert.equal(keyring.sign(Buffer.alloc(0)), reference(KEY, ""));
  expectFailure(
    keyring.verify({ userId: "", signature: reference(KEY, "") }),
    "IDENTITY_MISSING",
    /no user ID/,
  );
  assert.equal(verify(Buffer.alloc(0), reference(KEY, ""), KEY), false);
});

test("1 MiB user ID signs and verifies", () => {
  const keyring = new Keyring({ current: KEY });
  const userId = "u".repeat(1 << 20);
  const signature = keyring.sign(userId);
  assert.equal(signature, reference(KEY, userId));
  assert.deepEqual(keyring.verify({ userId, signature }), {
    valid: true,
    keyId: "current",
  });
  expectFailure(
    keyring.verify({ userId: userId + "x", signature }),
    "IDENTITY_VERIFICATION_FAILED",
    /does not match/,
  );
});

test("NUL bytes are part of the user ID", () => {
  const keyring = new Keyring({ current: KEY });
  for (const userId of ["a\0b", Buffer.from("a\0b"), "\0", "user_123\0"]) {
    const signature = keyring.sign(userId);
    assert.equal(signature, reference(KEY, userId));
    assert.equal(keyring.verify({ userId, signature }).valid, true);
  }
  assert.notEqual(keyring.sign("a\0b"), keyring.sign("a"));
  expectFailure(
    keyring.verify({ userId: "a", signature: keyring.sign("a\0b") }),
    "IDENTITY_VERIFICATION_FAILED",
    /does not match/,
  );
});

test("lone surrogates are rejected", () => {
  const keyring = new Keyring({ current: KEY });
  const replaced = keyring.sign("a\ufffd");
  for (const userId of ["a\ud800", "a\udfff", "\udc00b", "x\ud83d"]) {
    expectTypeError(() => keyring.sign(userId), /lone UTF-16 surrogate/);
    expectFailure(
      keyring.verify({ userId, signature: replaced }),
      "IDENTITY_VERIFICATION_FAILED",
      /lone UTF-16 surrogate/,
    );
  }
  // A well-formed surrogate pair is one code point and signs normally.
  assert.equal(keyring.sign("a\ud83d\ude00"), reference(KEY, "a\u{1f600}"));
});

test("non-hex signature fails", () => {
  const keyring = new Keyring({ current: KEY });
  for (const signature of [
    "g".repeat(64),
    keyring.sign(USER).slice(0, 63) + "z",
    "-".repeat(64),
  ]) {
    expectFailure(
      keyring.verify({ userId: USER, signature }),
      "IDENTITY_VERIFICATION_FAILED",
      /not a hex digit/,
    );
  }
});

test("wrong-length signatures fail", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign(USER);
  for (const signature of [
    good.slice(1),
    good + "0",
    good.slice(0, 32),
    good + good,
  ]) {
    expectFailure(
      keyring.verify({ userId: USER, signature }),
      "IDENTITY_VERIFICATION_FAILED",
      new RegExp(`has ${signature.length} characters`),
    );
  }
  expectFailure(
    keyring.verify({ userId: USER, signature: "0x" + good.slice(2) }),
    "IDENTITY_VERIFICATION_FAILED",
    /starts with 0x/,
  );
  expectFailure(
    keyring.verify({ userId: USER, signature: "" }),
    "IDENTITY_MISSING",
    /no signature/,
  );
});

test("whitespace-padded signatures fail", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign(USER);
  for (const signature of [
    ` ${good}`,
    `${good}\n`,
    `\t${good}`,
    good.slice(0, 32) + " " + good.slice(33),
  ]) {
    expectFailure(
      keyring.verify({ userId: USER, signature }),
      "IDENTITY_VERIFICATION_FAILED",
      /whitespace/,
    );
  }
});

test("uppercase hex verifies", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign(USER);
  assert.deepEqual(
    keyring.verify({ userId: USER, signature: good.toUpperCase() }),
    { valid: true, keyId: "current" },
  );
  const mixed = [...good].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join("");
  assert.equal(keyring.verify({ userId: USER, signature: mixed }).valid, true);
  assert.equal(verify(USER, Buffer.from(good.toUpperCase()), KEY), true);
});

test("non-ASCII signature fails", () => {
  const keyring = new Keyring({ current: KEY });
  // 32 characters of two UTF-8 bytes each: 64 bytes, but not hex.
  for (const signature of [
    "é".repeat(32),
    Buffer.from("é".repeat(32)),
    Buffer.from([0xff, 0xfe]),
  ]) {
    expectFailure(
      keyring.verify({ userId: USER, signature }),
      "IDENTITY_VERIFICATION_FAILED",
      /non-ASCII/,
    );
  }
});

test("huge key list finds the last key", () => {
  const previous = Array.from({ length: 10000 }, (_, i) => `previous-key-${i}`);
  const keyring = new Keyring({ current: KEY, previous });
  const signature = reference("previous-key-9999", USER);
  assert.deepEqual(keyring.verify({ userId: USER, signature }), {
    valid: true,
    keyId: "previous-10000",
  });
  assert.equal(keyring.stats().byKey["previous-10000"], 1);
});

test("empty and 1 MiB keys", () => {
  expectTypeError(
    () => new Keyring({ current: "" }),
    /security key must not be empty/,
  );
  expectTypeError(
    () => generateIdentitySignature(USER, Buffer.alloc(0)),
    /must not be empty/,
  );
  expectTypeError(
    () => verify(USER, "0".repeat(64), new Uint8Array(0)),
    /must not be empty/,
  );
  const big = "k".repeat(1 << 20);
  assert.equal(generateIdentitySignature(USER, big), reference(big, USER));
});

test("dates out of range throw", () => {
  const keyring = new Keyring({ current: KEY });
  const identity = { userId: USER, signature: keyring.sign(USER) };
  // The core converts milliseconds within +-1e15 (about year 33658); a Date
  // can reach 8.64e15.
  for (const now of [new Date(8.64e15), -8.64e15, 1e16, 1e300]) {
    expectTypeError(
      () => keyring.verify(identity, { now }),
      /options.now is out of the supported time range/,
    );
  }
  expectTypeError(
    () => keyring.verify(identity, { now: NaN }),
    /options.now is not a valid time/,
  );
  for (const acceptUntil of [new Date(8.64e15), 1e300]) {
    expectTypeError(
      () => new Keyring({ current: KEY, previous: { key: "p", acceptUntil } }),
      /out of the supported time range/,
    );
  }
  expectTypeError(
    () =>
      new Keyring({
        current: KEY,
        previous: { key: "p", acceptUntil: "+10000-01-01T00:00:00Z" },
      }),
    /not an RFC 3339 timestamp/,
  );
  assert.equal(keyring.verify(identity, { now: 1e15 }).valid, true);
  assert.equal(keyring.verify(identity, { now: new Date(-1e15) }).valid, true);
});

test("concurrent workers agree", async () => {
  const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
  const keyring = new Keyring({ current: KEY });
  const expected = users.map((user) => keyring.sign(user));
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Keyring } = require(workerData.module)
    const keyring = new Keyring({ current: workerData.key })
    const signatures = []
    let valid = 0
    for (let round = 0; round < 50; round++) {
      for (const user of workerData.users) {
        const signature = keyring.sign(user)
        if (round === 0) signatures.push(signature)
        if (keyring.verify({ userId: user, signature }).valid) valid++
      }
    }
    parentPort.postMessage({ signatures, valid, stats: keyring.stats() })
  `;
  const module = require.resolve("..");
  const runs = Array.from(
    { length: 4 },
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(source, {
          eval: true,
          workerData: { module, key: KEY, users },
        });
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
  );
  for (const result of await Promise.all(runs)) {
    assert.deepEqual(result.signatures, expected);
    assert.equal(result.valid, users.length * 50);
    assert.equal(result.stats.valid, users.length * 50);
  }
});

test("canary key in no message, inspect or log", () => {
  const canary = "CANARY-" + crypto.randomBytes(16).toString("hex");
  const written = [];
  const originals = {
    stdout: process.stdout.write,
    stderr: process.stderr.write,
  };
  const methods = ["log", "info", "warn", "error", "debug", "trace"];
  const consoleOriginals = Object.fromEntries(
    methods.map((name) => [name, console[name]]),
  );
  process.stdout.write = (chunk, ...rest) => (
    written.push(String(chunk)),
    originals.stdout.call(process.stdout, chunk, ...rest)
  );
  process.stderr.write = (chunk, ...rest) => (
    written.push(String(chunk)),
    originals.stderr.call(process.stderr, chunk, ...rest)
  );
  for (const name of methods)
    console[name] = (...args) => written.push(util.format(...args));

  const texts = [];
  const keep = (value) =>
    texts.push(
      util.inspect(value, { depth: 10, showHidden: true }),
      String(value),
      JSON.stringify(value) ?? "",
    );

  try {
    const keyring = new Keyring({
      current: canary,
      previous: { key: canary + "-old", acceptUntil: 0 },
      retired: canary + "-retired",
    });
    keep(keyring);
    keep(keyring.stats());

    const identities = [
      { userId: USER, signature: "0".repeat(64) },
      { userId: USER, signature: "xyz" },
      { userId: USER, signature: " " + keyring.sign(USER) },
      { userId: "", signature: keyring.sign(USER) },
      { userId: "a\ud800", signature: keyring.sign(USER) },
      { userId: {}, signature: 5 },
      { userId: USER, signature: reference(canary + "-old", USER) },
      { userId: USER, signature: reference(canary + "-retired", USER) },
      null,
    ];
    for (const identity of identities) {
      const result = keyring.verify(identity);
      assert.equal(result.valid, false);
      keep(result);
      try {
        keyring.assertValid(identity);
        assert.fail("assertValid accepted a bad identity");
      } catch (error) {
        assert.ok(error instanceof IdentityError);
        keep(error);
        texts.push(error.stack);
      }
    }

    const configurationErrors = [
      () => new Keyring({ current: { key: canary, acceptUntil: 5 } }),
      () =>
        new Keyring({
          current: canary,
          previous: { key: canary + "2", acceptUntil: "never" },
        }),
      () =>
        new Keyring({
          current: canary,
          previous: { key: canary, id: "current" },
        }),
      () =>
        new Keyring({
          current: canary,
          previous: { key: canary + "2", id: "bad\nid" },
        }),
      () => new Keyring({ current: canary + "\ud800" }),
      () => keyring.sign(1.5),
      () => keyring.sign("a\ud800"),
      () =>
        keyring.verify(
          { userId: USER, signature: "0".repeat(64) },
          { now: 1e300 },
        ),
      () => generateIdentitySignature(1.5, canary),
      () => verify(USER, "0".repeat(64), ""),
      () => keyringFromEnv({ PEXELIZE_SECURITY_KEY: canary + "\n" }),
      () => keyringFromEnv({ PEXELIZE_SECURITY_KEY: " " + canary }),
      () =>
        keyringFromEnv({
          PEXELIZE_SECURITY_KEY: canary,
          PEXELIZE_SECURITY_KEY_PREVIOUS: canary + "\t",
        }),
      () =>
        keyringFromEnv({
          PEXELIZE_SECURITY_KEY: canary,
          PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL: "2026-01-01T00:00:00Z",
        }),
      () =>
        keyringFromEnv({
          PEXELIZE_SECURITY_KEY: canary,
          PEXELIZE_SECURITY_KEY_PREVIOUS: canary + "2",
          PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL: canary,
        }),
    ];
    for (const call of configurationErrors) {
      assert.throws(call, (error) => {
        keep(error);
        texts.push(error.stack);
        return error instanceof TypeError;
      });
    }
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
    for (const name of methods) console[name] = consoleOriginals[name];
  }

  assert.ok(texts.length > 50);
  for (const text of [...texts, ...written]) {
    assert.ok(!text.includes(canary), `canary found in: ${text}`);
    assert.ok(
      !text.includes(Buffer.from(canary).toString("hex")),
      `canary hex found in: ${text}`,
    );
  }
});

// Values whose type checks or coercions run code that throws: verify must
// not call any of it, whatever part of the identity they stand in for.
function throwingValues() {
  const fail = () => {
    throw new Error("user code ran");
  };
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const revokedArray = Proxy.revocable([], {});
  revokedArray.revoke();
  const everyTrap = new Proxy(
    {},
    {
      get: fail,
      has: fail,
      ownKeys: fail,
      getPrototypeOf: fail,
      getOwnPropertyDescriptor: fail,
    },
  );
  return [
    ["getPrototypeOf trap", new Proxy({}, { getPrototypeOf: fail })],
    [
      "Uint8Array proxy",
      new Proxy(new Uint8Array(64), { getPrototypeOf: fail }),
    ],
    ["revoked proxy", revoked.proxy],
    ["revoked array proxy", revokedArray.proxy],
    ["proxy with every trap throwing", everyTrap],
    ["throwing toString", { toString: fail }],
    ["throwing valueOf", { valueOf: fail }],
    ["throwing Symbol.toPrimitive", { [Symbol.toPrimitive]: fail }],
    [
      "throwing constructor getter",
      Object.create({
        get constructor() {
          return fail();
        },
      }),
    ],
  ];
}

test("throwing proxies and coercions never throw from verify", () => {
  const keyring = new Keyring({ current: KEY });
  const signature = keyring.sign(USER);
  const codes = ["IDENTITY_VERIFICATION_FAILED", "IDENTITY_MISSING"];
  for (const [name, value] of throwingValues()) {
    const identities = [
      [`${name} as userId`, { userId: value, signature }],
      [`${name} as signature`, { userId: USER, signature: value }],
      [`${name} as identity`, value],
    ];
    for (const [label, identity] of identities) {
      const result = keyring.verify(identity);
      assert.equal(result.valid, false, label);
      assert.ok(codes.includes(result.code), `${label}: ${result.code}`);
      assert.equal(typeof result.message, "string", label);
      assert.throws(
        () => keyring.assertValid(identity),
        (error) => {
          assert.ok(error instanceof IdentityError, `${label}: ${error}`);
          assert.equal(error.code, result.code, label);
          return true;
        },
      );
    }
    assert.equal(verify(value, signature, KEY), false, name);
    assert.equal(verify(USER, value, KEY), false, name);
  }
});

test("throwing proxies as userId throw TypeError on sign", () => {
  const keyring = new Keyring({ current: KEY });
  for (const [, value] of throwingValues()) {
    expectTypeError(() => keyring.sign(value), /^userId must be/);
    expectTypeError(
      () => generateIdentitySignature(value, KEY),
      /^userId must be/,
    );
  }
});

test("throwing proxy as options.now is a TypeError", () => {
  const keyring = new Keyring({ current: KEY });
  const identity = { userId: USER, signature: keyring.sign(USER) };
  for (const [, value] of throwingValues()) {
    expectTypeError(
      () => keyring.verify(identity, { now: value }),
      /^options.now must be a Date/,
    );
  }
});
