// Reported: https://github.com/israelss/vue-worker/issues/9
// A page handed a compiler wrapper (an object with a `compile` function) to a worker: postMessage
// threw "DataCloneError: function ... could not be cloned" and the compile job never started.
const worker = new Worker(new URL('./compile-worker.js', import.meta.url), { type: 'module' });
worker.onerror = (event) => console.error('compile worker failed', event.message);
worker.onmessage = (event) => {
  document.querySelector('#output').textContent = event.data.bytecode;
};

function makeCompiler(version) {
  return {
    version,
    compile(source) {
      return `${version}:${source.length}`;
    },
  };
}

export function compileInWorker(source) {
  const compiler = makeCompiler('0.4.24');
  worker.postMessage({ source, compiler }); //~ send-non-cloneable
}
