// `$VAR` and `${VAR}` anywhere in a header value are read from the environment, so a secret can
// be written as 'Authorization: Bearer $TOKEN' (single-quoted, out of shell history and `ps`).
// `\$` keeps a literal dollar sign. The expanded value is registered as a secret and never
// printed: errors name the variable, not its value.
import { UsageError } from './errors.ts';
import { registerSecret } from './redact.ts';

const REFERENCE = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{[^}]*\}?/g;

/** `what` names the value in errors, e.g. "-H X-Api-Token" or "--mcp-header github:Authorization". */
export function expandEnvReferences(value: string, env: NodeJS.ProcessEnv, what: string): string {
  if (!value.includes('$')) return value;
  let expanded = false;
  const result = value.replace(REFERENCE, (match: string, braced: string | undefined, bare: string | undefined) => {
    if (match === '\\$') return '$';
    const name = braced ?? bare;
    if (name === undefined) throw new UsageError(`${what}: invalid variable reference '${match}'`, 'write ${NAME} or $NAME, or \\$ for a literal dollar sign');
    const fromEnv = env[name];
    if (fromEnv === undefined || fromEnv === '') {
      throw new UsageError(`${what}: environment variable ${name} is not set`, `set ${name} in the environment, or write \\$${name} for a literal dollar sign`);
    }
    if (/[\r\n\0]/.test(fromEnv)) throw new UsageError(`${what}: environment variable ${name} contains a line break or NUL`);
    registerSecret(fromEnv);
    expanded = true;
    return fromEnv;
  });
  if (expanded) registerSecret(result);
  return result;
}
