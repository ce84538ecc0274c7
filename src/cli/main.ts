// The `sluice` command line: picks the subcommand and turns usage errors into exit code 2.

import { SluiceError } from '../errors.ts';
import { sluiceVersion } from '../version.ts';
import { benchUsage, runBench } from './bench.ts';
import { demoUsage, runDemo } from './demo.ts';
import { manifestsUsage, runManifests } from './manifests.ts';
import { runServe, serveUsage } from './serve.ts';
import { runSim, simUsage } from './sim.ts';
import { runValidate, validateUsage } from './validate.ts';

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

const commandUsage: Record<string, string> = {
  serve: serveUsage,
  demo: demoUsage,
  validate: validateUsage,
  sim: simUsage,
  bench: benchUsage,
  manifests: manifestsUsage,
};

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
      return runServe(args);
    case 'demo':
      return runDemo(args);
    case 'validate':
      return runValidate(args, process.stdout);
    case 'sim':
      await runSim(args);
      return 0;
    case 'bench':
      return runBench(args);
    case 'manifests':
      return runManifests(args, process.stdout);
    case 'version':
    case '--version':
      process.stdout.write(`sluice ${sluiceVersion}\n`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${commandUsage[args[0] ?? ''] ?? usage}\n`);
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
    process.stderr.write(`sluice: ${error.message}\n\n${commandUsage[argv[0]] ?? usage}\n`);
    process.exitCode = error.status;
  } else {
    process.stderr.write(
      `sluice: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
