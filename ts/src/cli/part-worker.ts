/**
 * A worker thread of cli/parts.ts: reads the parts it is sent, one at a time, with the
 * backend Node picks (native, else wasm-simd), and sends each part's columns back without a
 * copy (their buffers are transferred).
 */
import { parentPort } from 'node:worker_threads';
import { init } from '../index.js';
import { readPart, type PartMessage, type PartOptions } from './parts.js';
import { CannotRead } from './read.js';

const port = parentPort!;
const ready = init();

port.on('message', async ({ file, options }: { file: string; options: PartOptions }) => {
  let reply: PartMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    await ready;
    const part = await readPart(file, options);
    reply = { part };
    transfer = [...new Set([part.labels, part.scores, part.groups].filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer))];
  } catch (e) {
    reply = e instanceof CannotRead ? { cannotRead: { file: e.file, message: e.message } } : { error: e instanceof Error ? e.message : String(e) };
  }
  try {
    port.postMessage(reply, transfer);
  } catch {
    port.postMessage(reply); // a buffer the addon owns cannot be transferred: copied instead
  }
});
