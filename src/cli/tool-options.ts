// Flags for rich input and tools, shared by create and stream (and chat): declared once so they
// read the same everywhere, mapped once to RichFlags.
import { Option, type Command } from 'commander';
import { DEFAULT_MAX_TOOL_ROUNDS, type RichFlags } from '../request/rich.ts';
import { MCP_APPROVALS } from '../request/tools.ts';
import { collect, intInRange } from './parse.ts';

/** --image and --file: attachments to the prompt. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--image <path|url|id>', 'attach an image: a local PNG/JPEG/WEBP/GIF, an https:// URL or a file id (repeatable)', collect)
    .option('--file <path|id>', 'attach a PDF (local path) or an uploaded file (file-…) (repeatable)', collect);
}

/** Function tools, MCP servers, the code interpreter and structured output. */
export function addToolOptions(command: Command): Command {
  return command
    .option('--function <spec>', 'add a function tool: inline JSON or @file.json with name, description, parameters (repeatable)', collect)
    .option('--tools <file>', 'JSON array of tool definitions of any type, added to the request')
    .option('--tool-choice <choice>', 'auto, none, required, or a function name')
    .option('--parallel-tool-calls', 'let the model call several tools at once (the service default)')
    .option('--no-parallel-tool-calls', 'at most one tool call per turn')
    .option('--function-output <call=output>', 'answer a function call: CALL_ID=JSON or CALL_ID=@file; needs --previous (repeatable)', collect)
    .option('--exec <name=command>', 'run COMMAND for each call of function NAME (arguments JSON on stdin, stdout sent back) and continue until the model answers (repeatable)', collect)
    .option('--max-tool-rounds <n>', `with --exec: stop after this many rounds of calls (default ${DEFAULT_MAX_TOOL_ROUNDS})`, intInRange(1, 100))
    .option('--mcp <label=url>', 'add a remote MCP server (repeatable)', collect)
    .addOption(new Option('--mcp-approval <mode>', "ask before MCP tool calls: never or always (default: the service's)").choices(MCP_APPROVALS))
    .option('--mcp-allowed-tools <label=tools>', 'only these tools of server LABEL: LABEL=tool1,tool2 (repeatable)', collect)
    .option('--mcp-header <label:name=value>', "header for server LABEL; $VAR/${VAR} in the value are read from the environment; never printed (repeatable)", collect)
    .option('--code-interpreter', 'let the model run Python in a sandboxed container')
    .option('--container-file <id>', 'with --code-interpreter: make an uploaded file available in the container (repeatable)', collect)
    .option('--schema <file>', 'structured output: a JSON Schema file; stdout is then exactly one JSON document')
    .option('--schema-name <name>', 'name for the --schema format (default: from the file)')
    .option('--conversation <file>', 'JSONL history: sent before the input, then this turn is appended (works with --no-store)');
}

export interface ToolOptionValues {
  image?: string[];
  file?: string[];
  function?: string[];
  tools?: string;
  toolChoice?: string;
  parallelToolCalls?: boolean;
  functionOutput?: string[];
  exec?: string[];
  maxToolRounds?: number;
  mcp?: string[];
  mcpApproval?: (typeof MCP_APPROVALS)[number];
  mcpAllowedTools?: string[];
  mcpHeader?: string[];
  codeInterpreter?: boolean;
  containerFile?: string[];
  schema?: string;
  schemaName?: string;
  conversation?: string;
}

export function richFlagsFrom(values: ToolOptionValues): RichFlags {
  return {
    images: values.image,
    files: values.file,
    tools: {
      functions: values.function,
      toolsFile: values.tools,
      toolChoice: values.toolChoice,
      parallelToolCalls: values.parallelToolCalls,
      mcp: values.mcp,
      mcpApproval: values.mcpApproval,
      mcpAllowedTools: values.mcpAllowedTools,
      mcpHeaders: values.mcpHeader,
      codeInterpreter: values.codeInterpreter,
      containerFiles: values.containerFile,
    },
    functionOutputs: values.functionOutput,
    exec: values.exec,
    maxToolRounds: values.maxToolRounds,
    schema: values.schema,
    schemaName: values.schemaName,
    conversation: values.conversation,
  };
}
