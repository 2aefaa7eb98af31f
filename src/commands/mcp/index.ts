// aoai mcp: remote MCP servers' approval flow. This file only registers the verbs.
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.ts';
import { registerMcpApprove } from './approve.ts';

export function registerMcp(program: Command, ctx: CommandContext): void {
  const mcp = program
    .command('mcp')
    .description('remote MCP tools: approve or deny the calls a response is waiting on')
    .addHelpText(
      'after',
      `
Add servers to a request with --mcp LABEL=URL (see aoai create --help). When the model wants to
call a tool that needs approval, the response lists the requests and aoai exits with code 5.
Examples:
  aoai create -m gpt-4.1 --mcp docs=https://learn.microsoft.com/api/mcp "Search the docs for …"
  aoai mcp approve resp_123 --all
  aoai mcp approve resp_123 mcpr_456 --deny --reason "not that one"`,
    );
  registerMcpApprove(mcp, ctx);
}
