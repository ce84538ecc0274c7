#!/usr/bin/env node
// The `sluice` command: runs the TypeScript CLI directly (Node 24 strips types).
import '../src/cli/main.ts';
