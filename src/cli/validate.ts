// `sluice validate DIR...`: admits every manifest like the API server would and prints each problem with its
// file and line; the exit code is 1 when there is an error.

import { parseArgs } from 'node:util';
import { type FileProblem, loadDirectories } from '../providers/file/load.ts';
import { usageError } from './args.ts';

export const validateUsage = `sluice validate DIR|FILE...

Checks the manifests under each DIR (.yaml, .yml, .json; recursive) the way the Kubernetes API server
would (schema, defaults and validation rules of the Gateway API CRDs and core kinds), and prints each
problem as

  file:line: kind/namespace/name: error|warning: field.path: message

Exits 0 when there are no errors (warnings allowed), 1 when there are errors.`;

function formatProblem(problem: FileProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}` : problem.file;
  const object = problem.object ? ` ${problem.object}:` : '';
  return `${where}:${object} ${problem.severity}: ${problem.message}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `sluice validate DIR...`: prints each problem as `file:line: kind/namespace/name: message`, returns the exit code (1 on errors). */
export async function runValidate(args: string[], out: NodeJS.WritableStream): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) {
    out.write(`${validateUsage}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) throw usageError('validate needs at least one directory or file');

  const { objects, problems, files } = await loadDirectories(parsed.positionals);
  for (const problem of problems) out.write(`${formatProblem(problem)}\n`);
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  out.write(
    `${plural(files.length, 'file')}, ${plural(objects.length, 'valid object')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
  );
  return errors > 0 ? 1 : 0;
}
