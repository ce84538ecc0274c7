// The `sluice` command line: picks the subcommand and turns usage errors into exit code 2.

import { SluiceError } from '../errors.ts';
import { sluiceVersion } from '../version.ts';

const usage = `Usage: sluice <command> [options]

Commands:
  serve     serve Gateway API manifests from directories (see "sluice help serve")
  demo      run the quickstart with built-in echo backends (what "npm start" runs)
  validate  check manifests and print every problem with file and line
  sim       run simulated model servers (vLLM or SGLang APIs and metrics)
  bench     compare routing strategies over simulated replicas (scheduling benchmark)
  manifests print the objects that install Sluice in a cluster (pipe into kubectl apply -f -)
  version   print the version
  help      print this help, or "sluice help <command>"
`;

interface Command {
  usage: string;
  /** Runs the command; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/**
 * Each command's module is loaded only when it runs: a gateway process never holds the benchmark, the
 * simulator or the install generator (with its Kubernetes client) in memory.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => {
    const { runServe, serveUsage } = await import('./serve.ts');
    return { usage: serveUsage, run: runServe };
  },
  demo: async () => {
    const { demoUsage, runDemo } = await import('./demo.ts');
    return { usage: demoUsage, run: runDemo };
  },
  validate: async () => {
    const { runValidate, validateUsage } = await import('./validate.ts');
    return { usage: validateUsage, run: (args) => runValidate(args, process.stdout) };
  },
  sim: async () => {
    const { runSim, simUsage } = await import('./sim.ts');
    return {
      usage: simUsage,
      run: async (args) => {
        await runSim(args);
        return 0;
      },
    };
  },
  bench: async () => {
    const { benchUsage, runBench } = await import('./bench.ts');
    return { usage: benchUsage, run: runBench };
  },
  manifests: async () => {
    const { manifestsUsage, runManifests } = await import('./manifests.ts');
    return { usage: manifestsUsage, run: async (args) => runManifests(args, process.stdout) };
  },
};

/** The usage text of a command, or the general one for anything else. */
async function usageOf(command: string | undefined): Promise<string> {
  const load = command === undefined ? undefined : commands[command];
  return load === undefined ? usage : (await load()).usage;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const load = command === undefined ? undefined : commands[command];
  if (load !== undefined) return (await load()).run(args);
  switch (command) {
    case 'version':
    case '--version':
      process.stdout.write(`sluice ${sluiceVersion}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${await usageOf(args[0])}\n`);
      return 0;
    case undefined:
      process.stderr.write(usage);
      return 2;
    default:
      throw new SluiceError('cli_usage', { reason: `unknown command "${command}"` });
  }
}

const argv = process.argv.slice(2);
try {
  process.exitCode = await run(argv);
} catch (error) {
  if (error instanceof SluiceError && (error.code === 'cli_usage' || error.code === 'sim_invalid_config')) {
    process.stderr.write(`sluice: ${error.message}\n\n${await usageOf(argv[0])}\n`);
    process.exitCode = error.status;
  } else {
    process.stderr.write(
      `sluice: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
