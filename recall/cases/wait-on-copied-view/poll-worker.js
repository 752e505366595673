let cell;

self.onmessage = ({ data: [kind, view] }) => {
  if (kind !== 'setup') return;
  cell = view;
  for (;;) {
    const outcome = Atomics.wait(cell, 0, 0, 15); //~ atomics-unshared-memory
    if (outcome !== 'timed-out') break;
  }
  self.postMessage('woken');
};
