// A request body for tests of bounded reading (lib/http/request-body.ts).
/** A body that never ends, counting what was pulled from it and whether it was cancelled. */
export function endlessBody(chunkBytes = 64 * 1024) {
  const chunk = new Uint8Array(chunkBytes).fill(0x20);
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}
