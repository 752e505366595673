self.onmessage = ({ data }) => {
  const pixels = new Uint8ClampedArray(data.buffer);
  for (let i = 4; i < pixels.length; i++) pixels[i] = (pixels[i] + pixels[i - 4]) >> 1;
  self.postMessage({ buffer: pixels.buffer }, [pixels.buffer]);
};
