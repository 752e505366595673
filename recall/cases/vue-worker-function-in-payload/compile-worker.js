self.onmessage = (event) => {
  const { source, compiler } = event.data;
  self.postMessage({ bytecode: compiler.compile(source) });
};
