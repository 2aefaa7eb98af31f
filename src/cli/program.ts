// The command tree. Each verb lives in its own file under src/commands and registers itself here;
// this file declares only the global flags and the order of commands in --help.
import { Command, Option } from 'commander';
import { AUTH_MODES, CREDENTIAL_KINDS } from '../core/config-keys.ts';
import { createFactory, type Factory } from '../core/factory.ts';
import type { GlobalFlags } from '../core/settings.ts';
import { VERSION } from '../core/version.ts';
import type { IO } from '../io/io.ts';
import { addHelpCommand, helpOnStdoutWhenBare, helpSettings } from './help.ts';
import type { CommandContext } from './context.ts';
import { collect } from './parse.ts';
import { registerCreate } from '../commands/create.ts';
import { registerStream } from '../commands/stream.ts';
import { registerChat } from '../commands/chat.ts';
import { registerGet } from '../commands/get.ts';
import { registerDelete } from '../commands/delete.ts';
import { registerCancel } from '../commands/cancel.ts';
import { registerItems } from '../commands/items.ts';
import { registerConfig } from '../commands/config/index.ts';
import { registerEmulate } from '../commands/emulate.ts';
import { registerFiles } from '../commands/files/index.ts';
import { registerBatch } from '../commands/batch/index.ts';
import { registerMcp } from '../commands/mcp/index.ts';
import { registerImage } from '../commands/image.ts';
import { registerCompletion } from '../commands/completion.ts';
import { registerModels } from '../commands/models.ts';
import { registerDeployments } from '../commands/deployments.ts';
import { registerAuth } from '../commands/auth/index.ts';
import { registerLog } from '../commands/log/index.ts';

/**
 * `factoryBuilt` hears of the factory the running command builds, so that an error thrown out of
 * the command is reported with that factory's request record (endpoint, credential, attempts).
 */
export function buildProgram(io: IO, factoryBuilt: (factory: Factory) => void = () => undefined): Command {
  const program = new Command('aoai')
    .description('Azure OpenAI Responses API from the command line')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureHelp(helpSettings(Math.min(io.columns, 100)))
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // Errors are reported once, by cli/run.ts, with the exit-code table.
      outputError: () => undefined,
    });

  addGlobalOptions(program);
  program.addHelpText(
    'after',
    `
Settings resolve as: flags > environment > profile (aoai config) > defaults.
Environment: AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT, OPENAI_API_VERSION,
AZURE_OPENAI_IMAGE_DEPLOYMENT, AOAI_PROFILE. With no key, aoai signs in with Microsoft Entra ID.
Exit codes: 0 ok, 1 API error, 2 usage, 3 auth/config, 4 response not completed,
5 action required, 130 interrupted. Docs: docs/README.md`,
  );

  const ctx: CommandContext = {
    io,
    factory(command) {
      const factory = createFactory(io, command.optsWithGlobals<GlobalFlags>(), commandPath(command));
      factoryBuilt(factory);
      return factory;
    },
  };

  registerCreate(program, ctx);
  registerStream(program, ctx);
  registerChat(program, ctx);
  registerImage(program, ctx);
  registerGet(program, ctx);
  registerCancel(program, ctx);
  registerDelete(program, ctx);
  registerItems(program, ctx);
  registerLog(program, ctx);
  registerFiles(program, ctx);
  registerBatch(program, ctx);
  registerMcp(program, ctx);
  registerModels(program, ctx);
  registerDeployments(program, ctx);
  registerAuth(program, ctx);
  registerConfig(program, ctx);
  registerEmulate(program, ctx);
  registerCompletion(program, ctx);
  addHelpCommand(program);

  // Every subcommand reports errors through cli/run.ts, as the program does.
  const inherit = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().showSuggestionAfterError(true).configureOutput({
        writeOut: (text) => io.out(text),
        writeErr: (text) => io.err(text),
        outputError: () => undefined,
      });
      sub.configureHelp(helpSettings(Math.min(io.columns, 100)));
      helpOnStdoutWhenBare(sub);
      inherit(sub);
    }
  };
  helpOnStdoutWhenBare(program);
  inherit(program);
  return program;
}

/** 'mcp approve' for the approve command under mcp: the words after `aoai`. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) words.unshift(current.name());
  return words.join(' ');
}

function addGlobalOptions(program: Command): void {
  program
    .option('--endpoint <url>', 'resource endpoint, e.g. https://myres.openai.azure.com')
    .option('--resource <name>', 'resource name; short for --endpoint https://NAME.openai.azure.com')
    .addOption(new Option('--auth <mode>', 'key, entra, or auto (key if one is set)').choices(AUTH_MODES))
    .addOption(new Option('--credential <kind>', 'Entra credential to use, skipping the chain').choices(CREDENTIAL_KINDS))
    .option('--tenant <id>', 'Entra tenant id')
    .option('--api-version <version>', 'v1 (default), preview, or dated, e.g. 2025-04-01-preview')
    .option('--api-key-stdin', 'read the API key from standard input')
    .option('--profile <name>', 'config profile to use (default: $AOAI_PROFILE or "default")')
    .option('--timeout <seconds>', 'time limit per request attempt (default 600)')
    .option('--max-retries <n>', 'retries on 429, 5xx and dropped connections (default 2)')
    .option('-H, --header <header>', "extra request header 'Name: value' (repeatable)", collect)
    .option('--proxy <url>', 'HTTP(S) proxy for every request (default: $HTTPS_PROXY, $HTTP_PROXY; NO_PROXY applies)')
    .option('--insecure', 'allow credentials over plain http:// to a non-loopback host')
    .option('--debug', 'log each request and response line to stderr (secrets redacted)')
    .option('--no-color', 'no colour (also: NO_COLOR=1)');
}
