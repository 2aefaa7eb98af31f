// Entry point of the CLI bundle (dist/main.js). `--version` and `--help` rarely get here: bin/aoai
// answers them from dist/quick.cjs first (src/quick-answers.ts); the CLI prints the same text.
import { runCli } from './cli/run.ts';
import { exitProcess, processArgv } from './io/io.ts';

await exitProcess(await runCli(processArgv()));
