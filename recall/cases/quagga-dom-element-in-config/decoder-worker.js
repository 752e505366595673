let settings;
self.onmessage = ({ data }) => {
  if (data.cmd === 'init') {
    settings = data.config;
    self.postMessage({ ready: true, readers: settings.decoder.readers });
  }
};
