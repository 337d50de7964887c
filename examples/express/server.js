"use strict";

// Starts the example on 127.0.0.1. The keys come from PEXELIZE_SECURITY_KEY
// (and optionally PEXELIZE_SECURITY_KEY_PREVIOUS and
// PEXELIZE_SECURITY_KEY_PREVIOUS_UNTIL); PORT sets the port, and 0 or unset
// picks a free one. The first line of output is the URL.

const { keyringFromEnv } = require("pexelize-identity");
const { createApp } = require("./app");

function main() {
  let keyring;
  try {
    keyring = keyringFromEnv();
  } catch (error) {
    console.error(`cannot start: ${error.message}`);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(
      `cannot start: PORT must be an integer from 0 to 65535; got ${process.env.PORT}`,
    );
    process.exit(1);
  }

  const server = createApp({ keyring }).listen(port, "127.0.0.1", () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  server.on("error", (error) => {
    console.error(`server error: ${error.message}`);
    process.exit(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      console.log(`stopping on ${signal}`);
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}

main();
