// Entry point. `aoai --version` answers before anything else loads: scripts call it to probe.
import { VERSION } from './core/version.ts';
import { exitProcess, processArgv } from './io/io.ts';

const argv = processArgv();
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { writeLine } = await import('./io/raw.ts');
  writeLine(VERSION);
} else {
  const { runCli } = await import('./cli/run.ts');
  await exitProcess(await runCli(argv));
}
