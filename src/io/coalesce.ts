// Stream deltas arrive in bursts: one network read carries dozens of events. Writing each delta
// with its own write(2) made the syscalls cost more than everything else in `aoai stream`, so a
// burst goes out as one write at the end of the current event-loop turn. Nothing waits longer
// than that, so text still appears the moment it arrives.
const MAX_PENDING = 64 * 1024;

export interface CoalescingWriter {
  write(text: string): void;
  /** Write whatever is pending now (before stderr output, and at the end). */
  flush(): void;
}

export function coalescingWriter(write: (text: string) => void): CoalescingWriter {
  let pending = '';
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (!pending) return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    write(text) {
      pending += text;
      if (pending.length >= MAX_PENDING) flush();
      else scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
