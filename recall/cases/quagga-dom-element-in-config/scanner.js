// Reported: https://github.com/serratus/quaggaJS/issues/102
// The scanner's whole config went to each decoder worker, and the config held the HTMLElement the
// video was drawn into: "DataCloneError: Failed to execute 'postMessage' on 'Worker'" at start.
const config = {
  inputStream: { type: 'LiveStream', target: document.querySelector('#scanner') },
  decoder: { readers: ['ean_reader'] },
  numOfWorkers: 2,
};

const workers = [];

export function start(width, height) {
  for (let i = 0; i < config.numOfWorkers; i++) {
    const worker = new Worker(new URL('./decoder-worker.js', import.meta.url));
    worker.onerror = (event) => console.error('decoder failed', event.message);
    worker.onmessage = ({ data }) => {
      if (data.codeResult) document.querySelector('#result').textContent = data.codeResult;
    };
    const imageData = new Uint8Array(width * height);
    worker.postMessage({ cmd: 'init', size: { x: width, y: height }, imageData, config }, [imageData.buffer]); //~ send-non-cloneable
    workers.push(worker);
  }
}

export function stop() {
  for (const worker of workers.splice(0)) worker.terminate();
}
