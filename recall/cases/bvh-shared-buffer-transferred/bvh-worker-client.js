export class GenerateMeshBVHWorker {
  constructor() {
    this.worker = new Worker(new URL('./generate-worker.js', import.meta.url), { type: 'module' });
    this.worker.onerror = (event) => console.error('bvh worker failed', event.message);
  }

  generate(positions, options) {
    return new Promise((resolve) => {
      this.worker.onmessage = ({ data }) => resolve(data.roots);
      this.worker.postMessage({ positions, options });
    });
  }

  dispose() {
    this.worker.terminate();
  }
}

document.title = 'bvh';
