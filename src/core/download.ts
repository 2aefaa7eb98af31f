// A download goes to disk as it arrives, never whole in memory, through the streaming atomic
// writer: every byte written (however short a write), synced, then linked or renamed into place.
// Interrupted or failed, it leaves the old file (or none) and no temporary file; a FIFO or
// /dev/null is written through.
import { openAtomic } from './atomic-write.ts';

/** Write `body` to `path`; with `exclusive`, an existing file is an EEXIST FileWriteError. Returns the byte count. */
export async function saveDownload(body: AsyncIterable<Uint8Array>, path: string, options: { exclusive: boolean }): Promise<number> {
  const writer = openAtomic(path, { exclusive: options.exclusive });
  try {
    for await (const chunk of body) writer.write(chunk);
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.commit();
  return writer.bytesWritten;
}
