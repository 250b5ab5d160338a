#!/usr/bin/env node
// Thin launcher: everything lives in dist/src/cli (built by `npm run build`, also run by `npm ci`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
