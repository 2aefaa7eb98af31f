// store:false turns. Output items of a reasoning model depend on the reasoning item before them;
// the service remembers that link even for unstored responses and rejects a follow-up that sends
// such an item back without its reasoning item (which, unstored, must carry encrypted_content).
import { invalidRequest } from './http.ts';
import { decryptReasoning } from './output/reasoning.ts';
import type { ResponseStore } from './store.ts';
import type { StoredItem, WireEvent, WireResponse } from './types.ts';

/** item id → id of the reasoning item it requires, per emulator instance. */
const links = new WeakMap<ResponseStore, Map<string, string>>();

function linksOf(store: ResponseStore): Map<string, string> {
  let map = links.get(store);
  if (!map) links.set(store, (map = new Map()));
  return map;
}

/** Pass the events through; once generation ends, remember which items needed which reasoning. */
export function* rememberingReasoning(store: ResponseStore, response: WireResponse, events: Iterator<WireEvent>): Generator<WireEvent> {
  for (let next = events.next(); !next.done; next = events.next()) yield next.value;
  let reasoning: string | undefined;
  const map = linksOf(store);
  for (const item of response.output as unknown as StoredItem[]) {
    if (item.type === 'reasoning') reasoning = item.id;
    else if (reasoning !== undefined && typeof item.id === 'string') map.set(item.id, reasoning);
  }
}

export function validateStatelessInput(store: ResponseStore, request: { store?: unknown }, inputItems: readonly StoredItem[]): void {
  if (request.store !== false) return;
  const map = linksOf(store);
  const seen = new Set<string>();
  for (const item of inputItems) {
    if (item.type === 'reasoning') {
      const encrypted = item.encrypted_content;
      if (typeof encrypted !== 'string') {
        if (!store.findItem(item.id)) {
          throw invalidRequest(
            `Item with id '${item.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
            'input',
            null,
            404,
          );
        }
      } else if (decryptReasoning(encrypted) === undefined) {
        throw invalidRequest(`The encrypted content for item ${item.id} could not be verified.`, 'input', 'invalid_encrypted_content');
      }
      seen.add(item.id);
      continue;
    }
    const required = map.get(item.id);
    if (required !== undefined && !seen.has(required)) {
      throw invalidRequest(`Item '${item.id}' of type '${item.type}' was provided without its required 'reasoning' item: '${required}'.`, 'input', null);
    }
  }
}
