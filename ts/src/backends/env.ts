/** Where we run, detected without importing any Node module (so bundlers see no Node code). */
interface NodeProcess {
  versions?: { node?: string };
  env: Record<string, string | undefined>;
  getBuiltinModule?(id: string): any;
}

export const nodeProcess: NodeProcess | undefined = (globalThis as { process?: NodeProcess }).process?.versions?.node
  ? (globalThis as { process?: NodeProcess }).process
  : undefined;

export const isNode = nodeProcess !== undefined;

/** Node's `require`, relative to this module (Node ≥ 20.16 has `process.getBuiltinModule`). */
export function nodeRequire(): (id: string) => any {
  const mod = nodeProcess?.getBuiltinModule?.('node:module');
  if (!mod) throw new Error('reckit needs Node >= 20.16 (process.getBuiltinModule)');
  return mod.createRequire(import.meta.url);
}

/** Browsers give threads to wasm only on cross-origin-isolated pages (COOP + COEP headers). */
export const canShareMemory =
  typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
