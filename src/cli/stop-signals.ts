/**
 * Calls `onStop(signal, count)` for each SIGINT/SIGTERM the process gets (count 1 for the first, 2 for the
 * second, ...), so a command can stop gently on the first and harder on the next. Returns the disposer that
 * removes the listeners (in-process callers, such as tests, must not leak them).
 */
export function onStopSignals(onStop: (signal: NodeJS.Signals, count: number) => void): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals) => onStop(signal, ++count);
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
