// Reported: https://github.com/AVGP/js-parallelism-demos/issues/2
// The demo transferred its pixel buffer to a worker and kept drawing from the same array: the buffer
// was detached (byteLength 0) and the preview threw / stayed blank.
const canvas = document.querySelector('canvas');
const ctx = canvas.getContext('2d');
const worker = new Worker(new URL('./blur-worker.js', import.meta.url));
worker.onerror = (event) => console.error('blur failed', event.message);

export function blur() {
  const { width, height } = canvas;
  const pixels = new Uint8ClampedArray(ctx.getImageData(0, 0, width, height).data);
  worker.postMessage({ buffer: pixels.buffer, width, height }, [pixels.buffer]);
  // Show the unblurred frame while the worker runs.
  ctx.putImageData(new ImageData(pixels, width, height), 0, 0); //~ use-after-transfer
  worker.onmessage = (msg) => {
    ctx.putImageData(new ImageData(new Uint8ClampedArray(msg.data.buffer), width, height), 0, 0);
  };
}
