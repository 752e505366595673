// Reported: https://github.com/eligrey/jsandbox/issues/4
// A request object carried its own `toString` method so it could be logged as JSON; posting it to
// the sandbox worker threw "DataCloneError: The object could not be cloned" in every browser.
function jsonStringifyThis() {
  return JSON.stringify(this);
}

const sandbox = new Worker(new URL('./sandbox-worker.js', import.meta.url));
sandbox.addEventListener('error', (event) => console.error('sandbox crashed', event.message));
let nextId = 0;
const pending = new Map();
sandbox.onmessage = ({ data }) => {
  pending.get(data.id)?.(data.result);
  pending.delete(data.id);
};

export function evaluate(code, input) {
  return new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    sandbox.postMessage({
      id,
      code,
      input,
      toString: jsonStringifyThis, //~ send-non-cloneable
    });
  });
}

window.jsandbox = { evaluate };
