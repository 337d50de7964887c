'use strict'

// Measures, in one run, ns per operation of this package against the
// node:crypto idioms it replaces, for a 10- and a 36-character user ID.
// Run: npm run bench (after npm run build). Results depend on the machine
// and its load; compare ratios from the same run only.

const crypto = require('node:crypto')
const { Keyring, generateIdentitySignature } = require('..')

const KEY = 'f3a9c2d4e5b6a7980112233445566778899aabbccddeeff0011223344556677'
const USER_IDS = { '10 chars': 'user_12345', '36 chars': '550e8400-e29b-41d4-a716-446655440000' }
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

let sink = 0

// Returns the best (lowest) ns per operation over ROUNDS rounds, after a
// warm-up round, so that a round slowed by another process does not count.
function measure(operation) {
  for (let i = 0; i < ITERATIONS / 10; i++) sink += operation().length ?? 1
  let best = Infinity
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < ITERATIONS; i++) sink += operation() === true ? 1 : 0
    const elapsed = Number(process.hrtime.bigint() - start)
    best = Math.min(best, elapsed / ITERATIONS)
  }
  return best
}

const keyring = new Keyring({ current: KEY })
const keyBuffer = Buffer.from(KEY)
const rows = []

for (const [label, userId] of Object.entries(USER_IDS)) {
  const signature = keyring.sign(userId)
  const identity = { userId, signature }
  const expected = Buffer.from(signature, 'hex')

  const createHmacSign = measure(() => crypto.createHmac('sha256', KEY).update(userId).digest('hex'))
  const keyringSign = measure(() => keyring.sign(userId))
  const oneShotSign = measure(() => generateIdentitySignature(userId, KEY))
  const createHmacVerify = measure(() => {
    const provided = Buffer.from(identity.signature, 'hex')
    const computed = crypto.createHmac('sha256', keyBuffer).update(identity.userId).digest()
    return provided.length === computed.length && crypto.timingSafeEqual(provided, computed)
  })
  const keyringVerify = measure(() => keyring.verify(identity).valid)

  if (!expected.equals(crypto.createHmac('sha256', KEY).update(userId).digest())) {
    throw new Error('keyring.sign disagrees with createHmac')
  }
  rows.push([label, 'createHmac(...).digest("hex")', createHmacSign, 1])
  rows.push([label, 'keyring.sign', keyringSign, createHmacSign / keyringSign])
  rows.push([label, 'generateIdentitySignature', oneShotSign, createHmacSign / oneShotSign])
  rows.push([label, 'createHmac + timingSafeEqual', createHmacVerify, 1])
  rows.push([label, 'keyring.verify', keyringVerify, createHmacVerify / keyringVerify])
}

console.log(`node ${process.version}, ${ITERATIONS} iterations, best of ${ROUNDS} rounds`)
console.log('| user ID | operation | ns/op | speed-up vs node:crypto |')
console.log('| --- | --- | ---: | ---: |')
for (const [label, name, ns, ratio] of rows) {
  console.log(`| ${label} | ${name} | ${ns.toFixed(0)} | ${ratio === 1 ? '1.0x (baseline)' : ratio.toFixed(1) + 'x'} |`)
}
if (sink === 0.5) console.log('unreachable')
