self.onmessage = ({ data }) => {
  const fn = new Function('input', data.code);
  self.postMessage({ id: data.id, result: fn(data.input) });
};
