self.onmessage = ({ data: { method, args, control } }) => {
  const header = new Int32Array(control, 0, 4);
  const bytes = new TextEncoder().encode(`${method}(${args.join(',')})`);
  new Uint8Array(control, 16, bytes.length).set(bytes);
  Atomics.store(header, 1, bytes.length);
  Atomics.store(header, 0, 2);
  Atomics.notify(header, 0);
};
