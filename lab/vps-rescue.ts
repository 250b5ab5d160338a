import { main } from '../src/cli/main.js';

// The CLI from the working tree's sources, for the `vps-rescue` that `npm run lab -- up` puts on PATH
// (bin/vps-rescue.js runs the build in dist/, which may be older than the sources).
process.exitCode = await main(process.argv.slice(2));
