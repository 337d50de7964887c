// Compiled with tsc --noEmit by the type declaration test: it must accept
// every documented call and reject the wrong ones marked @ts-expect-error.

import {
  IdentityError,
  Keyring,
  generateIdentitySignature,
  generateSecurityKey,
  keyringFromEnv,
  verify,
  type IdentityErrorDetail,
  type KeyringStats,
  type VerifyResult,
} from "../../index.js";

const key: string = generateSecurityKey();
const signature: string = generateIdentitySignature("user_123", key);
generateIdentitySignature(12345);
generateIdentitySignature(10n, Buffer.from(key));
const matches: boolean = verify("user_123", signature, key);

const keyring = new Keyring({
  current: key,
  previous: [{ key: Buffer.from("old"), id: "2025", acceptUntil: new Date() }],
  retired: "older",
});
const result: VerifyResult = keyring.verify(
  { userId: "user_123", signature },
  { now: Date.now() },
);
if (result.valid) {
  const keyId: string = result.keyId;
  console.log(keyId);
} else {
  const code:
    | "IDENTITY_VERIFICATION_FAILED"
    | "IDENTITY_SIGNATURE_EXPIRED"
    | "IDENTITY_MISSING" = result.code;
  const detail: IdentityErrorDetail = result.detail;
  console.log(code, result.message, detail);
  if (result.code === "IDENTITY_SIGNATURE_EXPIRED") {
    const expiredKeyId: string = result.keyId;
    console.log(expiredKeyId);
  }
}
const keyId: string = keyring.assertValid({ userId: "u", signature: "s" });
const stats: KeyringStats = keyring.stats();
const previousCount: number | undefined = stats.byKey["previous"];
const fromEnv: Keyring = keyringFromEnv({ PEXELIZE_SECURITY_KEY: key });

try {
  keyring.assertValid(null);
} catch (error) {
  if (error instanceof IdentityError) {
    const code: string = error.code;
    const detail: IdentityErrorDetail | undefined = error.detail;
    const expiredKeyId: string | undefined = error.keyId;
    console.log(code, detail, expiredKeyId);
  }
}

// @ts-expect-error a boolean is not a user ID
keyring.sign(true);
// @ts-expect-error the current key is required
new Keyring({ previous: key });
// @ts-expect-error now is a Date or a number
keyring.verify({ userId: "u", signature: "s" }, { now: "tomorrow" });

console.log(matches, keyId, previousCount, fromEnv);
