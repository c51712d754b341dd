/** A command line the CLI cannot run: it exits 2 with one plain line. */
export class UsageError extends Error {}

/**
 * A command's options from `parse`, or the exit code when there is nothing to run: 2 after a
 * usage error (printed as one line), 0 after printing `usage` for `help`.
 */
export function parseCommand<T>(parse: () => T | 'help', usage: string): Exclude<T, 'help'> | number {
  let o: T | 'help';
  try {
    o = parse();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`reckit: ${e.message}`);
    return 2;
  }
  if (o === 'help') {
    console.log(usage);
    return 0;
  }
  return o as Exclude<T, 'help'>;
}
