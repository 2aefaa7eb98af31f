// A token bucket: `capacity` units, refilled continuously at `perMinute`. Pure (the caller passes
// the time), so the batch limiter and the emulator's simulated quota are tested with a fake clock.
export class TokenBucket {
  private level: number;
  private at: number;
  readonly capacity: number;
  private readonly perMs: number;

  /** `burstSeconds` of the rate fit in the bucket (at least one unit); it starts full. */
  constructor(
    readonly perMinute: number,
    burstSeconds: number,
    now: number,
  ) {
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, (perMinute / 60) * burstSeconds);
    this.level = this.capacity;
    this.at = now;
  }

  available(now: number): number {
    if (now > this.at) {
      this.level = Math.min(this.capacity, this.level + (now - this.at) * this.perMs);
      this.at = now;
    }
    return this.level;
  }

  /**
   * Ms until `amount` can be taken (0: now). An amount larger than the whole bucket can be taken
   * once the bucket is full (the level then goes below zero), so one big request waits its turn
   * instead of never going.
   */
  waitMs(amount: number, now: number): number {
    const needed = Math.min(amount, this.capacity);
    const level = this.available(now);
    return level + 1e-9 >= needed ? 0 : Math.ceil((needed - level) / this.perMs);
  }

  /** Take `amount` if it is there (returning 0); otherwise take nothing and return the ms to wait. */
  take(amount: number, now: number): number {
    const wait = this.waitMs(amount, now);
    if (wait === 0) this.level -= amount;
    return wait;
  }

  /** Empty the bucket (after the service said "too many"): it refills from zero. */
  drain(now: number): void {
    this.available(now);
    this.level = Math.min(this.level, 0);
  }
}
