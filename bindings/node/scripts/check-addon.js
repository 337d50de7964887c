"use strict";

// Runs as the prepack script. Without the native addon npm still packs a
// tarball, and require() of the installed package then fails with the
// napi-rs loader's message about an npm bug with optional dependencies, which
// points away from the real cause.

const fs = require("node:fs");
const path = require("node:path");

const packageDir = path.join(__dirname, "..");
const addons = fs
  .readdirSync(packageDir)
  .filter((name) => name.endsWith(".node"));

if (addons.length === 0) {
  console.error(
    `pexelize-identity: no native addon (*.node) in ${packageDir}, so the ` +
      "package would not load. Run make build-node first from the " +
      "repository root, then npm pack again.",
  );
  process.exit(1);
}
