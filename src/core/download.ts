// A download goes to disk as it arrives, never whole in memory: a temporary file beside the
// target, written chunk by chunk (every byte, however short a write), synced, then linked or
// renamed into place. Interrupted or failed, it leaves the old file (or none) and no temporary.
// TODO(H3): switch to the streaming atomic writer in atomic-write.ts once it lands on main.
import { open } from 'node:fs/promises';
import { discardTemporary, moveIntoPlace, temporaryPathFor, trackTemporaryFile } from './atomic-write.ts';

/** Write `body` to `path`; with `exclusive`, an existing file is an EEXIST error. Returns the byte count. */
export async function saveDownload(body: AsyncIterable<Uint8Array>, path: string, options: { exclusive: boolean }): Promise<number> {
  const temporary = temporaryPathFor(path);
  const untrack = trackTemporaryFile(temporary);
  let bytes = 0;
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      for await (const chunk of body) {
        for (let offset = 0; offset < chunk.byteLength; ) {
          const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
          offset += bytesWritten;
        }
        bytes += chunk.byteLength;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    moveIntoPlace(temporary, path, options.exclusive);
  } catch (error) {
    discardTemporary(temporary);
    throw error;
  } finally {
    untrack();
  }
  return bytes;
}
