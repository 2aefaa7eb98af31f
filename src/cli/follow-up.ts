// Commands aoai prints for the next step ("Follow it with: …", "answer: …", "approve: …") must
// run as printed in the situation they were printed in: the same profile, endpoint and sign-in
// the user chose with flags come along, and every word is shell-quoted.
import type { Factory } from '../core/factory.ts';
import { DEFAULT_PROFILE } from '../core/config-store.ts';
import { shellCommand } from '../render/shell-quote.ts';

/** Builds `aoai WORDS… --profile work …` for a hint. */
export type FollowUp = (words: readonly string[]) => string;

/**
 * The global words that choose where and as whom the printed command runs. A profile other than
 * the default is always named (AOAI_PROFILE may not be set in the shell the hint is pasted into);
 * connection flags come along only when they were flags (the environment carries the rest). Extra
 * headers (-H) do not: they may hold secrets, which are never printed.
 */
export function connectionWords(f: Pick<Factory, 'flags' | 'profileName'>): string[] {
  const { flags } = f;
  const words: string[] = [];
  if (f.profileName !== DEFAULT_PROFILE) words.push('--profile', f.profileName);
  if (flags.endpoint) words.push('--endpoint', flags.endpoint);
  if (flags.resource) words.push('--resource', flags.resource);
  if (flags.apiVersion) words.push('--api-version', flags.apiVersion);
  if (flags.auth) words.push('--auth', flags.auth);
  if (flags.credential) words.push('--credential', flags.credential);
  if (flags.tenant) words.push('--tenant', flags.tenant);
  if (flags.insecure) words.push('--insecure');
  return words;
}

export function followUpFor(f: Pick<Factory, 'flags' | 'profileName'>): FollowUp {
  const global = connectionWords(f);
  return (words) => shellCommand(['aoai', ...words, ...global]);
}

/** Without a factory (pure renderers, unit tests): plain `aoai WORDS…`. */
export const plainFollowUp: FollowUp = (words) => shellCommand(['aoai', ...words]);

/**
 * The command that stores a missing setting in the profile in use: `aoai config set deployment
 * NAME --profile work`. Profiles do not inherit from 'default' (docs/auth-and-config.md), so a hint
 * that left out --profile would fix the wrong profile.
 */
export function configSetCommand(profile: string, key: string, placeholder?: string): string {
  const words = ['aoai', 'config', 'set', key];
  const tail = profile === DEFAULT_PROFILE ? [] : ['--profile', profile];
  return [shellCommand(words), ...(placeholder ? [placeholder] : []), ...(tail.length ? [shellCommand(tail)] : [])].join(' ');
}

/** " (profile 'work' does not inherit from 'default')" for a named profile; "" for the default. */
export function notInherited(profile: string): string {
  return profile === DEFAULT_PROFILE ? '' : ` (profile '${profile}' does not inherit from '${DEFAULT_PROFILE}')`;
}
