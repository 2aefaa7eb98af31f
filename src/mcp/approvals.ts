// MCP approvals: which requests a response is waiting on, and the input items that answer them.
import type { Response as ApiResponse, ResponseInputItem, ResponseOutputItem } from 'openai/resources/responses/responses';

export type McpApprovalRequest = Extract<ResponseOutputItem, { type: 'mcp_approval_request' }>;

export interface ApprovalDecision {
  approve: boolean;
  reason?: string | undefined;
}

/** The mcp_approval_request items of a response, in output order. */
export function pendingApprovals(response: Pick<ApiResponse, 'output'>): McpApprovalRequest[] {
  return (response.output ?? []).filter((item): item is McpApprovalRequest => item.type === 'mcp_approval_request');
}

/** One mcp_approval_response per request, all with the same decision. */
export function approvalResponses(requests: readonly Pick<McpApprovalRequest, 'id'>[], decision: ApprovalDecision): ResponseInputItem[] {
  return requests.map((request) => ({
    type: 'mcp_approval_response',
    approval_request_id: request.id,
    approve: decision.approve,
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
  }));
}
