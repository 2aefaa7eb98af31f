// `item_reference` input items: `{type: "item_reference", id}` stands for a stored item (an output
// item or an input item of a stored response). Clients such as the Vercel AI SDK send earlier
// turns this way when `store` is true: assistant messages, reasoning items, provider-executed tool
// calls and MCP approval requests. The model sees the stored item itself, so an approval response
// finds its request and a reasoning item stays paired with the call that followed it.
import { invalidRequest } from './http.ts';
import type { ResponseStore } from './store.ts';
import type { StoredItem } from './types.ts';

export function resolveItemReferences(store: ResponseStore, items: readonly StoredItem[]): StoredItem[] {
  return items.map((item) => {
    if (item.type !== 'item_reference') return item;
    const found = store.findItem(item.id);
    // The service answers 400 with `param: input`; it never passes an unknown reference through.
    if (!found) throw invalidRequest(`Item with id '${item.id}' not found.`, 'input', null);
    return structuredClone(found);
  });
}
