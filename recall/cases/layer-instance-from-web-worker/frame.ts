// Reported: https://github.com/mattslocum/ng-webworker/issues/24
// An object with methods was built in a web worker and posted back: the page received its fields but
// "lost the method implementation", so the first layer.area() call threw "is not a function".
import type { Layer } from './layer';

export class Frame {
  readonly layers: Layer[] = [];

  process(x: number, y: number): void {
    const worker = new Worker(new URL('./plan-worker.ts', import.meta.url), { type: 'module' });
    worker.onerror = (event) => console.error('planning failed', event.message);
    worker.onmessage = (event: MessageEvent<{ layer: Layer }>) => {
      this.layers.push(event.data.layer);
      document.title = `${this.layers.reduce((n, l) => n + l.area(), 0)} cells`;
      worker.terminate();
    };
    worker.postMessage({ x, y });
  }
}
