// Secret values used across the whole suite. None of them may appear in any byte the CLI writes:
// test/global-setup.ts scans every captured stdout/stderr (and written file) at the end of the run.
export const CANARY_API_KEY = 'CANARY-KEY-5f0c9e1d7a2b4c6e8f0a1b2c3d4e5f60';
export const CANARY_ENTRA_TOKEN = 'CANARY-TOKEN-eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLXZhbHVl.c2ln';
export const CANARY_MCP_HEADER = 'CANARY-MCP-HEADER-9a8b7c6d5e4f3a2b1c0d';

export const CANARIES = [CANARY_API_KEY, CANARY_ENTRA_TOKEN, CANARY_MCP_HEADER];
