"use strict";

// Measures, in one run, ns per operation of this package and of the
// node:crypto idioms it replaces, for a 10- and a 36-character user ID.
// Run: make bench-node, or npm run bench after a release build. Each round
// times every operation once, in turn, and the best round of each counts, so
// a burst of load from another process skews all operations alike or none.
// Compare ratios from the same run only.

const crypto = require("node:crypto");
const { Keyring, generateIdentitySignature } = require("..");

const KEY = "f3a9c2d4e5b6a7980112233445566778899aabbccddeeff0011223344556677";
const USER_IDS = {
  "10 chars": "user_12345",
  "36 chars": "550e8400-e29b-41d4-a716-446655440000",
};
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

let sink = 0;

function timeOnce(operation) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    if (operation()) sink += 1;
  }
  return Number(process.hrtime.bigint() - start) / ITERATIONS;
}

const keyring = new Keyring({ current: KEY });
const keyBuffer = Buffer.from(KEY);
const operations = [];

for (const [label, userId] of Object.entries(USER_IDS)) {
  const identity = { userId, signature: keyring.sign(userId) };
  const expected = crypto
    .createHmac("sha256", KEY)
    .update(userId)
    .digest("hex");
  if (identity.signature !== expected) {
    throw new Error("keyring.sign disagrees with createHmac");
  }

  const signBaseline = {
    label,
    name: 'createHmac(...).digest("hex")',
    run: () => crypto.createHmac("sha256", KEY).update(userId).digest("hex"),
  };
  const verifyBaseline = {
    label,
    name: "createHmac + timingSafeEqual",
    run: () => {
      const provided = Buffer.from(identity.signature, "hex");
      const computed = crypto
        .createHmac("sha256", keyBuffer)
        .update(identity.userId)
        .digest();
      return (
        provided.length === computed.length &&
        crypto.timingSafeEqual(provided, computed)
      );
    },
  };
  operations.push(
    signBaseline,
    {
      label,
      name: "keyring.sign",
      baseline: signBaseline,
      run: () => keyring.sign(userId),
    },
    {
      label,
      name: "generateIdentitySignature",
      baseline: signBaseline,
      run: () => generateIdentitySignature(userId, KEY),
    },
    verifyBaseline,
    {
      label,
      name: "keyring.verify",
      baseline: verifyBaseline,
      run: () => keyring.verify(identity).valid,
    },
  );
}

for (const operation of operations) {
  operation.best = Infinity;
  timeOnce(operation.run); // warm-up, so the JIT has compiled every path
}
for (let round = 0; round < ROUNDS; round++) {
  for (const operation of operations) {
    operation.best = Math.min(operation.best, timeOnce(operation.run));
  }
}

console.log(
  `node ${process.version}, ${ITERATIONS} iterations per round, best of ${ROUNDS} rounds`,
);
console.log("| user ID | operation | ns/op | speed-up vs node:crypto |");
console.log("| --- | --- | ---: | ---: |");
for (const { label, name, best, baseline } of operations) {
  const ratio =
    baseline === undefined
      ? "baseline"
      : `${(baseline.best / best).toFixed(1)}x`;
  console.log(`| ${label} | ${name} | ${best.toFixed(0)} | ${ratio} |`);
}
if (sink < 0) console.log("unreachable");
