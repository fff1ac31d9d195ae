// Starts `event-pass-worker.ts` (its URL is the thread's first argument) in a worker thread:
// tsx's loader, registered in the main thread by `tsx`, does not reach workers, so the worker
// registers it itself (ADR 053).
import { argv } from "node:process";
import { register } from "tsx/esm/api";

register();
// eslint-disable-next-line @typescript-eslint/no-unsafe-member-access -- outside the TypeScript project, Node's types do not reach this file
await import(argv[2]);
