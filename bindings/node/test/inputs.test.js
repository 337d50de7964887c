"use strict";

// Bad arguments throw TypeErrors that name the argument and the type; what
// an identity contains never throws.

const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { test } = require("node:test");
const util = require("node:util");

const {
  IdentityError,
  Keyring,
  generateIdentitySignature,
  generateSecurityKey,
  verify,
} = require("..");

const KEY = "test-security-key-0123456789";

test("sign rejects bad user ID types", () => {
  const keyring = new Keyring({ current: KEY });
  const cases = [
    [1.5, /a number with a fraction/],
    [NaN, /NaN/],
    [Infinity, /infinite/],
    [2 ** 53, /outside the safe range/],
    [true, /a boolean/],
    [null, /null/],
    [undefined, /undefined/],
    [{}, /an object/],
    [[], /an array/],
    [new Date(), /an instance of Date/],
    [Symbol("s"), /a symbol/],
    [() => 1, /a function/],
    [new Uint16Array(2), /an instance of Uint16Array/],
  ];
  for (const [value, received] of cases) {
    for (const sign of [
      (v) => keyring.sign(v),
      (v) => generateIdentitySignature(v, KEY),
    ]) {
      assert.throws(
        () => sign(value),
        (error) => {
          assert.ok(error instanceof TypeError);
          assert.equal(error.code, "INVALID_ARGUMENT");
          assert.match(
            error.message,
            /^userId must be a string, Buffer, Uint8Array, safe integer or bigint/,
          );
          assert.match(error.message, received);
          return true;
        },
      );
    }
  }
});

test("integers sign as base-10 text", () => {
  const keyring = new Keyring({ current: KEY });
  assert.equal(keyring.sign(12345), keyring.sign("12345"));
  assert.equal(keyring.sign(-7), keyring.sign("-7"));
  assert.equal(keyring.sign(2n ** 64n), keyring.sign("18446744073709551616"));
  assert.equal(keyring.sign(-0), keyring.sign("0"));
});

test("bad keys throw without the key", () => {
  const secret = "super-secret-value-that-must-not-leak";
  const cases = [
    [() => generateIdentitySignature("u", ""), /must not be empty/],
    [
      () => generateIdentitySignature("u", 42),
      /securityKey must be a string, Buffer or Uint8Array; received a number/,
    ],
    [() => generateIdentitySignature("u", null), /received null/],
    [() => verify("u", "sig", Buffer.alloc(0)), /must not be empty/],
    [() => new Keyring(), /options must be an object/],
    [() => new Keyring({}), /options.current is missing/],
    [() => new Keyring({ current: {} }), /current.key is missing/],
    [
      () => new Keyring({ current: { key: secret, acceptUntil: 5 } }),
      /current key cannot have an accept-until/,
    ],
    [
      () =>
        new Keyring({
          current: secret,
          previous: [{ key: secret + "2", acceptUntil: "tomorrow" }],
        }),
      /previous\[0\].acceptUntil is not an RFC 3339/,
    ],
    [
      () =>
        new Keyring({
          current: secret,
          previous: { key: "x", acceptUntil: new Date(NaN) },
        }),
      /previous.acceptUntil is not a valid time/,
    ],
    [
      () =>
        new Keyring({
          current: secret,
          previous: { key: "x", acceptUntil: true },
        }),
      /previous.acceptUntil must be a Date/,
    ],
    [
      () =>
        new Keyring({ current: secret, previous: { key: "x", id: "current" } }),
      /used twice/,
    ],
    [
      () => new Keyring({ current: { key: secret, id: "" } }),
      /key id must not be empty/,
    ],
    [
      () => new Keyring({ current: { key: secret, id: 7 } }),
      /current.id must be a string/,
    ],
    [
      () => new Keyring({ current: secret, retired: 5 }),
      /retired must be a string, Buffer or Uint8Array/,
    ],
    [() => new Keyring({ current: "a\ud800" }), /lone UTF-16 surrogate/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError, error.stack);
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, message);
      assert.ok(!error.message.includes(secret));
      return true;
    });
  }
});

test("bad verify options throw", () => {
  const keyring = new Keyring({ current: KEY });
  const identity = { userId: "u", signature: keyring.sign("u") };
  assert.throws(() => keyring.verify(identity, { now: "soon" }), {
    name: "TypeError",
    message: /options.now must be a Date/,
  });
  assert.throws(() => keyring.verify(identity, { now: NaN }), {
    name: "TypeError",
    message: /options.now is not a valid time/,
  });
  assert.throws(() => keyring.verify(identity, 5), {
    name: "TypeError",
    message: /options must be an object/,
  });
  assert.equal(keyring.verify(identity, {}).valid, true);
  assert.equal(keyring.verify(identity, null).valid, true);
});

test("invalid now names accepted forms", () => {
  const keyring = new Keyring({ current: KEY });
  const identity = { userId: "u", signature: keyring.sign("u") };
  const cases = [
    [new Date("not a date"), "an invalid Date"],
    [NaN, "NaN"],
    [Infinity, "an infinite number"],
  ];
  for (const [now, received] of cases) {
    for (const call of [
      () => keyring.verify(identity, { now }),
      () => keyring.assertValid(identity, { now }),
    ]) {
      assert.throws(call, (error) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.equal(error.code, "INVALID_ARGUMENT");
        assert.equal(
          error.message,
          "options.now is not a valid time; pass a valid Date or epoch " +
            `milliseconds (received ${received})`,
        );
        assert.doesNotMatch(error.message, /RFC 3339/);
        return true;
      });
    }
  }
  assert.throws(
    () => keyring.verify(identity, { now: "2026-06-01T00:00:00Z" }),
    /^TypeError: options.now must be a Date or epoch milliseconds; received a string$/,
  );
});

test("identity contents never throw", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign("user");
  const throwing = {
    get userId() {
      throw new Error("boom");
    },
  };
  const values = [
    undefined,
    null,
    "",
    0,
    1.5,
    NaN,
    true,
    {},
    [],
    Symbol("s"),
    10n,
    "x".repeat(1e6),
    "é".repeat(64),
    "\ud800",
    Buffer.alloc(0),
    new Uint16Array(4),
    () => 1,
  ];
  const identities = [
    undefined,
    null,
    "string",
    42,
    throwing,
    new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    ),
  ];
  for (const userId of values) {
    for (const signature of [...values, good, good.toUpperCase()]) {
      identities.push({ userId, signature });
      assert.equal(verify(userId, signature, KEY), false);
    }
  }
  for (const identity of identities) {
    const result = keyring.verify(identity);
    assert.equal(result.valid, false);
    assert.ok(
      ["IDENTITY_VERIFICATION_FAILED", "IDENTITY_MISSING"].includes(
        result.code,
      ),
      result.code,
    );
    assert.equal(typeof result.message, "string");
  }
});

test("missing parts give IDENTITY_MISSING", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign("user");
  for (const identity of [
    undefined,
    null,
    "",
    {},
    [],
    { userId: "" },
    { userId: "user" },
    { userId: "user", signature: "" },
    { signature: good },
    { userId: null, signature: 5 },
    { userId: Buffer.alloc(0), signature: good },
  ]) {
    assert.equal(
      keyring.verify(identity).code,
      "IDENTITY_MISSING",
      JSON.stringify(identity),
    );
  }
});

test("non-object identities fail", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign("user");
  for (const identity of [
    "user",
    " ",
    0,
    5,
    NaN,
    true,
    false,
    10n,
    Symbol("s"),
    () => 1,
    ["user", good],
    [{ userId: "user", signature: good }],
  ]) {
    const result = keyring.verify(identity);
    assert.equal(result.valid, false, String(identity));
    assert.equal(
      result.code,
      "IDENTITY_VERIFICATION_FAILED",
      typeof identity === "symbol" ? "symbol" : String(identity),
    );
    assert.match(result.message, /^identity must be an object/);
  }
});

test("non-ASCII and Buffer signatures", () => {
  const keyring = new Keyring({ current: KEY });
  const good = keyring.sign("user");
  assert.equal(
    keyring.verify({ userId: "user", signature: Buffer.from(good) }).valid,
    true,
  );
  assert.equal(
    keyring.verify({ userId: Buffer.from("user"), signature: good }).valid,
    true,
  );
  const wide = keyring.verify({
    userId: "user",
    signature: "é" + good.slice(2),
  });
  assert.equal(wide.code, "IDENTITY_VERIFICATION_FAILED");
  assert.match(wide.message, /non-ASCII/);
});

test("assertValid returns the key id or throws", () => {
  const keyring = new Keyring({ current: { key: KEY, id: "k1" } });
  assert.equal(
    keyring.assertValid({ userId: "u", signature: keyring.sign("u") }),
    "k1",
  );
  assert.throws(
    () => keyring.assertValid({ userId: "u", signature: "0".repeat(64) }),
    (error) => {
      assert.ok(error instanceof IdentityError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, "IdentityError");
      assert.equal(error.code, "IDENTITY_VERIFICATION_FAILED");
      return true;
    },
  );
  assert.throws(() => keyring.assertValid(null), { code: "IDENTITY_MISSING" });
});

test("key never in inspect output or messages", () => {
  const secret = "very-secret-key-" + generateSecurityKey();
  const keyring = new Keyring({
    current: secret,
    previous: { key: secret + "old", acceptUntil: 0 },
  });
  const shown = util.inspect(keyring, { depth: 10, showHidden: true });
  assert.ok(!shown.includes(secret), shown);
  assert.match(shown, /current/);
  assert.ok(!JSON.stringify(keyring).includes(secret));
  assert.ok(!String(keyring).includes(secret));
  const result = keyring.verify({ userId: "u", signature: "00" });
  assert.ok(!result.message.includes(secret));
});

test("generateSecurityKey output", () => {
  const first = generateSecurityKey();
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.notEqual(generateSecurityKey(), first);
});

test("env default key", () => {
  const saved = process.env.PEXELIZE_SECURITY_KEY;
  try {
    delete process.env.PEXELIZE_SECURITY_KEY;
    assert.throws(() => generateIdentitySignature("u"), {
      name: "TypeError",
      message: /PEXELIZE_SECURITY_KEY is not set/,
    });
    process.env.PEXELIZE_SECURITY_KEY = KEY + "\n";
    assert.throws(() => generateIdentitySignature("u"), {
      message: /leading or trailing whitespace/,
    });
    process.env.PEXELIZE_SECURITY_KEY = "";
    assert.throws(() => verify("u", "x"), { message: /set but empty/ });
    process.env.PEXELIZE_SECURITY_KEY = KEY;
    const signature = generateIdentitySignature("u");
    assert.equal(signature, generateIdentitySignature("u", KEY));
    assert.equal(verify("u", signature), true);
  } finally {
    if (saved === undefined) delete process.env.PEXELIZE_SECURITY_KEY;
    else process.env.PEXELIZE_SECURITY_KEY = saved;
  }
});

test("env key checks match keyringFromEnv", () => {
  const { keyringFromEnv } = require("..");
  const saved = process.env.PEXELIZE_SECURITY_KEY;
  const outcome = (call) => {
    try {
      call();
      return "accepted";
    } catch (error) {
      return error.code;
    }
  };
  try {
    for (const value of [
      "k\n",
      " k",
      "k\u0085",
      "\ufeffk",
      "k\ufeff",
      "k\ufffd",
      "k\u200b",
      "\u200ck",
      "k\u200d",
      "\u2060k",
      "k\u200bk",
      "k\u3000",
      "k",
    ]) {
      process.env.PEXELIZE_SECURITY_KEY = value;
      const oneShot = outcome(() => generateIdentitySignature("u"));
      const keyring = outcome(() => keyringFromEnv());
      assert.equal(oneShot, keyring, JSON.stringify(value));
    }
  } finally {
    if (saved === undefined) delete process.env.PEXELIZE_SECURITY_KEY;
    else process.env.PEXELIZE_SECURITY_KEY = saved;
  }
});

function expectEnvError(call, name, pattern, secret) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof TypeError, String(error));
    assert.equal(error.code, "INVALID_ARGUMENT");
    assert.ok(error.message.startsWith(name), error.message);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(secret), error.message);
    return true;
  });
}

test("env key with U+FFFD or BOM throws", () => {
  const { keyringFromEnv } = require("..");
  const saved = process.env.PEXELIZE_SECURITY_KEY;
  const secret = "env-secret-value";
  const cases = [
    [`${secret}\ufffd`, /U\+FFFD/],
    // A lone surrogate set in process.env reads back as U+FFFD.
    [`${secret}\ud800`, /U\+FFFD/],
    [`\ufeff${secret}`, /byte-order mark/],
    [`${secret}\ufeff`, /byte-order mark/],
  ];
  try {
    for (const [value, pattern] of cases) {
      process.env.PEXELIZE_SECURITY_KEY = value;
      const name = "PEXELIZE_SECURITY_KEY";
      expectEnvError(
        () => generateIdentitySignature("u"),
        name,
        pattern,
        secret,
      );
      expectEnvError(() => verify("u", "0".repeat(64)), name, pattern, secret);
      expectEnvError(() => keyringFromEnv(), name, pattern, secret);
      const previous = {
        PEXELIZE_SECURITY_KEY: KEY,
        PEXELIZE_SECURITY_KEY_PREVIOUS: process.env.PEXELIZE_SECURITY_KEY,
      };
      expectEnvError(
        () => keyringFromEnv(previous),
        "PEXELIZE_SECURITY_KEY_PREVIOUS",
        pattern,
        secret,
      );
    }
  } finally {
    if (saved === undefined) delete process.env.PEXELIZE_SECURITY_KEY;
    else process.env.PEXELIZE_SECURITY_KEY = saved;
  }
});

test("env key with a non-UTF-8 byte throws", () => {
  // The shell puts the raw byte 0xFF into the environment of a child Node.
  const script =
    'const p = require(process.argv[1]); try { p.generateIdentitySignature("u"); ' +
    'console.log("signed"); } catch (e) { console.log(e.code, e.message); }';
  const result = spawnSync(
    "/bin/sh",
    [
      "-c",
      'PEXELIZE_SECURITY_KEY="$(printf \'key\\377\')" exec "$0" -e "$1" "$2"',
      process.execPath,
      script,
      path.join(__dirname, ".."),
    ],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^INVALID_ARGUMENT PEXELIZE_SECURITY_KEY contains U\+FFFD/,
  );
});

test("unknown option names throw", () => {
  const cases = [
    [
      () =>
        new Keyring({
          current: "new",
          previous: { key: "old", accept_until: "2020-01-01T00:00:00Z" },
        }),
      /^previous has an unknown property "accept_until"; use acceptUntil instead\. Accepted properties: key, id, acceptUntil$/,
    ],
    [
      () => new Keyring({ current: "a", previos: "old" }),
      /^Keyring options has an unknown property "previos"; use previous instead\. Accepted properties: current, previous, retired$/,
    ],
    [
      () => new Keyring({ current: "a", retired: [{ key: "b", ID: "x" }] }),
      /^retired\[0\] has an unknown property "ID"; use id instead/,
    ],
    [
      () => new Keyring({ current: { key: "a", expires: 5 } }),
      /^current has an unknown property "expires"\. Accepted properties: key, id, acceptUntil$/,
    ],
    [
      () => new Keyring({ current: "a" }).verify({}, { clock: Date.now() }),
      /^options has an unknown property "clock"\. Accepted properties: now$/,
    ],
    [
      () => new Keyring({ current: "a" }).assertValid({}, { Now: 0 }),
      /^options has an unknown property "Now"; use now instead/,
    ],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError, String(error));
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.match(error.message, message);
      return true;
    });
  }
});
