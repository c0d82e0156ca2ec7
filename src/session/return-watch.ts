// When coming back to VS Code should re-check what is shown: after being away long enough for someone to have changed
// the account in the console or the CLI; a quick glance at another window does not reload every view.

export class ReturnWatch {
  private leftAt: number | undefined;

  constructor(private readonly awayMs: number) {}

  /** Tells the watch the window's focus changed; true when it came back after at least `awayMs`. */
  focusChanged(focused: boolean, now = Date.now()): boolean {
    if (!focused) {
      this.leftAt ??= now;
      return false;
    }
    const away = this.leftAt === undefined ? 0 : now - this.leftAt;
    this.leftAt = undefined;
    return away >= this.awayMs;
  }
}
