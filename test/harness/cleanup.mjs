// One list of things to undo (servers, browsers, temp folders), run at the end or on interruption.
const pending = [];

/** Registers `fn` to run at clean-up; returns a function that runs it now and unregisters it. */
export function deferCleanup(fn) {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    const index = pending.indexOf(once);
    if (index >= 0) pending.splice(index, 1);
    await fn();
  };
  pending.push(once);
  return once;
}

export async function runCleanups() {
  while (pending.length > 0) {
    const next = pending[pending.length - 1];
    try {
      await next();
    } catch (error) {
      console.error(`clean-up failed: ${error.message}`);
    }
  }
}
