// What the model waits for at the end of a chat turn, answered in the chat: MCP approval requests
// are asked inline (approve, deny, or always for that server this session), and function calls
// run through --exec commands when given, else the person types the output.
import type { Response as ApiResponse, ResponseInputItem } from 'openai/resources/responses/responses';
import { approvalResponses, pendingApprovals } from '../mcp/approvals.ts';
import { compactJson, functionCalls, type FunctionCallLike } from '../render/tools.ts';
import type { ExecResult } from '../tools/exec.ts';

export interface ToolAnswerDeps {
  /** Ask one question at the prompt; null when the person cancels (Ctrl-C) or leaves (Ctrl-D). */
  ask(question: string): Promise<string | null>;
  /** A notice on stderr. */
  notice(text: string): void;
  /** --exec NAME=COMMAND, by function name. */
  execs: ReadonlyMap<string, string>;
  run(command: string, call: FunctionCallLike): Promise<ExecResult>;
}

/** The answers to send, none when the model waits for nothing, or 'cancelled'. */
export type ToolAnswers = ResponseInputItem[] | 'cancelled';

export class ToolAnswerer {
  /** Servers the person said "always" for, this session. */
  readonly alwaysApproved = new Set<string>();

  constructor(private readonly deps: ToolAnswerDeps) {}

  async answer(response: Pick<ApiResponse, 'output' | 'status'>): Promise<ToolAnswers> {
    if (response.status !== 'completed') return [];
    const answers: ResponseInputItem[] = [];
    for (const request of pendingApprovals(response)) {
      const call = `${request.name}(${compactJson(request.arguments)})`;
      if (this.alwaysApproved.has(request.server_label)) {
        this.deps.notice(`approved ${request.server_label}: ${call} (always for ${request.server_label} this session)`);
        answers.push(...approvalResponses([request], { approve: true }));
        continue;
      }
      const decision = await this.askApproval(request.server_label, call);
      if (decision === undefined) return 'cancelled';
      if (decision === 'always') this.alwaysApproved.add(request.server_label);
      answers.push(...approvalResponses([request], decision === 'always' ? { approve: true } : decision));
    }
    for (const call of functionCalls(response)) {
      const command = this.deps.execs.get(call.name);
      if (command !== undefined) {
        this.deps.notice(`running ${call.name} (${call.call_id}): ${command}`);
        const result = await this.deps.run(command, call);
        if (result.exitCode !== 0) this.deps.notice(`${call.name} exited with code ${String(result.exitCode)}; the error goes to the model`);
        answers.push({ type: 'function_call_output', call_id: call.call_id, output: result.output });
        continue;
      }
      const output = await this.deps.ask(`output of ${call.name}(${compactJson(call.arguments)}) [${call.call_id}]: `);
      if (output === null) return 'cancelled';
      answers.push({ type: 'function_call_output', call_id: call.call_id, output });
    }
    return answers;
  }

  /** y / n [reason] / a; asked again until the answer is one of them. */
  private async askApproval(server: string, call: string): Promise<{ approve: boolean; reason?: string } | 'always' | undefined> {
    for (;;) {
      const answer = await this.deps.ask(`allow ${server}: ${call}? [y]es / [n]o (optionally: n REASON) / [a]lways for ${server}: `);
      if (answer === null) return undefined;
      const match = /^\s*(\w+)\s*([\s\S]*)$/.exec(answer);
      const word = match?.[1]?.toLowerCase() ?? '';
      if (word === 'y' || word === 'yes') return { approve: true };
      if (word === 'a' || word === 'always') return 'always';
      if (word === 'n' || word === 'no') {
        const reason = match![2]!.trim();
        return reason ? { approve: false, reason } : { approve: false };
      }
      this.deps.notice('answer y, n (with a reason if you like) or a');
    }
  }
}
