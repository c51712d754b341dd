/**
 * Calls a kernel of the active backend, on this thread or off it. Kernel errors read
 * `"<argument>: <problem>"`: they are the caller's range errors, rethrown as RangeError.
 */
import { current } from './backends/registry.js';
import type { AsyncKernelName, Kernels } from './backends/types.js';
import type { GroupKeys } from './validate.js';

const ARGUMENTS = [
  'labels', 'scores', 'weights', 'groups', 'groupWeights', 'weighting', 'probs', 'eps', 'threshold', 'k', 'gain',
  'emptyQueries', 'range', 'bins', 'histogram', 'boxesA', 'boxesB', 'offset',
  // losses, ops and optimizers
  'targets', 'preds', 'logits', 'distances', 'x1', 'x2', 'anchor', 'positive', 'negative', 'pos', 'neg', 'p', 'q',
  'delta', 'alpha', 'gamma', 'margin', 'temperature', 'numClasses', 'reduction', 'size', 'dim', 'inputs', 'options',
  'x', 'weight', 'bias', 'runningMean', 'runningVar', 'shape', 'tensors', 'optimizer', 'grads', 'state', 'step',
  'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'lrDecay', 'betas',
  // dense kernels and layers
  'a', 'b', 'dims', 'activation', 'mask', 'scale', 'kind', 'config', 'layer', 'query', 'key', 'value', 'keyPaddingMask',
  'attnMask', 'attention', 'h0', 'lengths', 'keys', 'ids', 'v',
  // models
  'sparse', 'dense', 'history', 'negHistory', 'items',
  // tensors and files
  'bytes', 'data',
];
const CALLER_ERROR = new RegExp(`^(${ARGUMENTS.join('|')}): `);

export function rethrow(e: unknown, groups?: GroupKeys): never {
  if (e instanceof Error && CALLER_ERROR.test(e.message)) {
    let message = e.message;
    const missing = /^groupWeights: has no weight for group (\d+)$/.exec(message);
    if (missing && groups) message = `groupWeights: has no weight for group ${String(groups.nameOf(Number(missing[1])))}`;
    throw new RangeError(message);
  }
  throw e;
}

type Fn<K extends keyof Kernels> = Kernels[K] extends (...a: infer A) => infer R ? [A, R] : never;

/** Runs kernel `name` on the calling thread. */
export function run<K extends keyof Kernels>(name: K, args: Fn<K>[0], groups?: GroupKeys): Fn<K>[1] {
  try {
    return (current().sync[name] as (...a: unknown[]) => Fn<K>[1])(...(args as unknown[]));
  } catch (e) {
    rethrow(e, groups);
  }
}

/** Runs kernel `name` off the calling thread (native: libuv's pool; wasm: a worker). */
export function runAsync<K extends AsyncKernelName>(name: K, args: Fn<K>[0], groups?: GroupKeys): Promise<Fn<K>[1]> {
  const call = current().async[name] as (...a: unknown[]) => Promise<Fn<K>[1]>;
  return call(...(args as unknown[])).catch((e) => rethrow(e, groups));
}
