// ES module entry point: the same objects as the CommonJS entry point, so
// `instanceof IdentityError` works whichever way the package is loaded.
import pexelizeIdentity from "./index.js";

export const {
  IdentityError,
  Keyring,
  generateIdentitySignature,
  generateSecurityKey,
  keyringFromEnv,
  verify,
} = pexelizeIdentity;

export default pexelizeIdentity;
